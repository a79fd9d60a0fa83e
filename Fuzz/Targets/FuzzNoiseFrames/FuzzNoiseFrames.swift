import FuzzSupport
import ObolWire

/// The length-prefixed framing of Noise messages on the TCP stream (`NoiseFrameBuffer`), before any
/// decryption: what an unauthenticated peer controls first.
/// Properties: the messages taken out re-frame to exactly the bytes consumed; the stream delivered one byte
/// at a time, or in two pieces, yields the same messages and fails the same way; a message whose handler
/// throws stays in the buffer and comes out again.
@main enum FuzzNoiseFrames {
    static func main() {
        Fuzz.run { data, size in
            FuzzNoiseFrames.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    struct Outcome: Equatable {
        var messages: [[UInt8]] = []
        var failed = false
        var buffered = 0
    }

    static func check(_ bytes: [UInt8]) {
        let whole = take(pieces: [bytes[...]])
        let consumed = whole.messages.reduce(0) { $0 + NoiseFrameBuffer.prefixLength + $1.count }
        let reframed = whole.messages.flatMap { try! NoiseFrameBuffer.frame($0) }
        Fuzz.require(reframed == Array(bytes[..<consumed]), "messages re-frame to the consumed bytes")
        if !whole.failed {
            Fuzz.require(whole.buffered == bytes.count - consumed, "what is not taken stays buffered")
        }
        let half = bytes.count / 2
        Fuzz.require(take(pieces: [bytes[..<half], bytes[half...]]) == whole, "two pieces frame as one")
        Fuzz.require(take(pieces: bytes.indices.map { bytes[$0...$0] }) == whole, "single bytes frame as one")
        checkThrowingHandler(bytes)
    }

    /// Appends each piece and takes every complete message after it, until a failure.
    static func take(pieces: [ArraySlice<UInt8>]) -> Outcome {
        var buffer = NoiseFrameBuffer()
        var outcome = Outcome()
        for piece in pieces {
            buffer.append(piece)
            do {
                while let message = try buffer.nextMessage() { outcome.messages.append(message) }
            } catch {
                outcome.failed = true
                break
            }
        }
        outcome.buffered = outcome.failed ? 0 : buffer.bufferedCount
        return outcome
    }

    static func checkThrowingHandler(_ bytes: [UInt8]) {
        var buffer = NoiseFrameBuffer()
        buffer.append(bytes)
        var seen: [UInt8]?
        let taken = try? buffer.withNextMessage { (message: ArraySlice<UInt8>) throws(NoiseError) in
            seen = Array(message)
            throw .emptyFrame
        }
        guard taken == nil, let seen else { return }
        Fuzz.require((try? buffer.nextMessage()) == seen, "a message whose handler threw comes out again")
    }
}

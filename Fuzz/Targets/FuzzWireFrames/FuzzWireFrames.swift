import FuzzSupport
import ObolCore
import ObolWire

/// A peer's byte stream after Noise: frames of every message kind (PROTOCOL.md §10), through `FrameDecoder`
/// with the devnet's caps.
/// Properties: the decoded messages re-frame to exactly the bytes the decoder consumed; each message's
/// `payloadSize` is its payload's length; and a stream delivered in two pieces (split in the middle) decodes
/// to the same messages, or fails, exactly as the whole stream does.
@main enum FuzzWireFrames {
    static let limits = FrameLimits(params: .devnet)

    static func main() {
        Fuzz.run { data, size in
            FuzzWireFrames.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        var whole = FrameDecoder(limits: limits)
        let output = try? whole.decode(bytes)
        let split = splitDecode(bytes)
        Fuzz.require(output?.messages == split?.messages && output?.consumed == split?.consumed,
                     "a stream in two pieces decodes as the whole stream does")
        guard let output else { return }
        Fuzz.require(output.messages.flatMap(\.frame) == Array(bytes[..<output.consumed]),
                     "decoded messages re-frame to the consumed bytes")
        for message in output.messages {
            Fuzz.require(message.payload.count == message.payloadSize, "payloadSize is the payload's length")
        }
        if output.consumed < bytes.count, let declared = whole.incompleteFrameSize {
            Fuzz.require(declared > bytes.count - output.consumed, "an incomplete frame is larger than what is left")
        }
    }

    /// The first half, then what the decoder left of it together with the second half (as a transport's
    /// buffer would hold it).
    static func splitDecode(_ bytes: [UInt8]) -> FrameDecoder.Output? {
        var decoder = FrameDecoder(limits: limits)
        let half = bytes.count / 2
        guard let first = try? decoder.decode(Array(bytes[..<half])),
              let second = try? decoder.decode(Array(bytes[first.consumed...]))
        else { return nil }
        return FrameDecoder.Output(messages: first.messages + second.messages, consumed: first.consumed + second.consumed)
    }
}

import FuzzSupport
import ObolWire

/// Noise XX handshake messages and the first transport bytes, read in place of a genuine peer's
/// (`NoiseFixture`). The first input byte picks which (modulo 4), the rest is the message:
///
/// 0. message 1, read by a responder;  1. message 2, read by the initiator;  2. message 3, read by the
///    responder;  3. transport stream bytes, received by the responder once the handshake is complete.
///
/// Properties: message 1 (no key yet) is accepted exactly when it holds a 32-byte key, and its payload is the
/// rest; the responder answers it, or refuses a low-order key with `invalidPublicKey`; a refused message leaves the reader's state as it was, so the genuine message is still accepted
/// after it; transport bytes in two pieces give the same plaintext, or fail, as in one.
@main enum FuzzNoiseHandshake {
    static let noise = NoiseFixture.shared

    static func main() {
        Fuzz.run { data, size in
            FuzzNoiseHandshake.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let message = Array(bytes.dropFirst())
        switch selector % 4 {
        case 0: readMessage1(message)
        case 1: readInstead(message, of: noise.message2, state: noise.initiatorBeforeMessage2)
        case 2: readInstead(message, of: noise.message3, state: noise.responderBeforeMessage3)
        default: receiveTransport(message)
        }
    }

    static func readMessage1(_ message: [UInt8]) {
        var responder = noise.responderBeforeMessage1
        let read = try? responder.readMessage(message)
        Fuzz.require((read != nil) == (message.count >= 32), "message 1 is accepted when it holds a key")
        guard let read else { return }
        Fuzz.require(read.payload == Array(message.dropFirst(32)), "message 1's payload follows the key")
        // Message 1 carries the initiator's ephemeral key in the clear; the first DH (writing message 2)
        // is where a low-order key is refused.
        do {
            _ = try responder.writeMessage()
        } catch {
            Fuzz.require(error == .invalidPublicKey, "the responder answers message 1 unless its key is unusable")
        }
    }

    static func readInstead(_ message: [UInt8], of genuine: [UInt8], state: HandshakeState) {
        var reader = state
        if (try? reader.readMessage(message)) != nil {
            Fuzz.require(message == genuine, "only the genuine message is accepted")
            return
        }
        Fuzz.require(reader.messageIndex == state.messageIndex, "a refused message does not advance the handshake")
        Fuzz.require((try? reader.readMessage(genuine)) != nil, "the genuine message is accepted after a refused one")
    }

    static func receiveTransport(_ stream: [UInt8]) {
        var whole = NoiseTransport(noise.responderResult)
        let plaintext = try? whole.receive(stream)
        var pieces = NoiseTransport(noise.responderResult)
        let half = stream.count / 2
        let inPieces = (try? pieces.receive(stream[..<half])).flatMap { first in
            (try? pieces.receive(stream[half...])).map { first + $0 }
        }
        Fuzz.require(plaintext == inPieces, "transport bytes in two pieces decrypt as in one")
    }
}

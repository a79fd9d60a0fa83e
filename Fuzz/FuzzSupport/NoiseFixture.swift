import ObolCore
import ObolWire

/// One genuine Noise XX handshake between fixed keys, and the state of each side before every message it
/// reads: the Noise targets read a fuzzed message in place of a genuine one from these states, and the seed
/// corpus starts from the genuine messages.
public struct NoiseFixture: Sendable {
    public static let shared = NoiseFixture()

    public let prologue = ObolNoise.prologue(for: .devnet)
    /// The responder before message 1.
    public let responderBeforeMessage1: HandshakeState
    /// The initiator after writing message 1, before message 2.
    public let initiatorBeforeMessage2: HandshakeState
    /// The responder after writing message 2, before message 3.
    public let responderBeforeMessage3: HandshakeState
    public let message1: [UInt8]
    public let message2: [UInt8]
    public let message3: [UInt8]
    /// The responder's side once the handshake is complete.
    public let responderResult: HandshakeResult
    /// The initiator's first transport bytes on the stream: a `ping` frame, encrypted and length-prefixed.
    public let transportStream: [UInt8]

    private init() {
        func key(_ byte: UInt8) -> NoiseKeyPair {
            // Fixed 32-byte keys: valid X25519 private keys (any 32 bytes are).
            try! NoiseKeyPair(privateKey: [UInt8](repeating: byte, count: NoiseKeyPair.keyLength))
        }
        var initiator = HandshakeState(role: .initiator, prologue: prologue, staticKeyPair: key(1),
                                       ephemeralKeys: .fixed(key(2)))
        var responder = HandshakeState(role: .responder, prologue: prologue, staticKeyPair: key(3),
                                       ephemeralKeys: .fixed(key(4)))
        responderBeforeMessage1 = responder
        message1 = try! initiator.writeMessage().message
        initiatorBeforeMessage2 = initiator
        _ = try! responder.readMessage(message1)
        message2 = try! responder.writeMessage().message
        responderBeforeMessage3 = responder
        _ = try! initiator.readMessage(message2)
        let (written, initiatorResult) = try! initiator.writeMessage()
        message3 = written
        responderResult = try! responder.readMessage(message3).result!
        var transport = NoiseTransport(initiatorResult!)
        transportStream = try! transport.encrypt(Message.ping(nonce: 7).frame)
    }
}

/// An established Noise session: turns outgoing application bytes into framed
/// Noise transport messages and incoming stream bytes back into application
/// bytes, in order. It carries a byte stream: the application's own messages
/// keep their own framing inside it and may span or share Noise messages.
///
/// - Each Noise transport message is at most 65,535 bytes (ciphertext ‖ 16-byte
///   tag), so it carries at most 65,519 application bytes; longer writes are
///   split. Each message is framed with a 2-byte big-endian length prefix
///   (`NoiseFrameBuffer`). Transport messages have an empty associated data.
/// - Rekey: after every `rekeyInterval` messages (default 2^16) sent in one
///   direction, the sender's cipher state for that direction calls `rekey()`,
///   and the receiver does the same after the same number of messages received,
///   so no signalling is needed. The nonce is not reset: the message with nonce
///   `k × rekeyInterval` is the first under the k-th new key.
/// - Any failure (`NoiseError`) ends the connection; the session must not be used again.
public struct NoiseTransport: Sendable {
    public static let maxMessageLength = HandshakeState.maxMessageLength
    /// Application bytes per transport message: 65,535 - 16.
    public static let maxPayloadLength = maxMessageLength - CipherState.tagLength
    public static let defaultRekeyInterval: UInt64 = 1 << 16

    /// The handshake hash, equal on both sides (channel binding).
    public let handshakeHash: [UInt8]
    /// The peer's static public key: its node id.
    public let remoteStaticKey: [UInt8]
    public let rekeyInterval: UInt64

    private var sender: CipherState
    private var receiver: CipherState
    public private(set) var messagesSent: UInt64 = 0
    public private(set) var messagesReceived: UInt64 = 0
    private var inbound = NoiseFrameBuffer()

    /// - Parameter rekeyInterval: messages per key in each direction; both sides must use the same
    ///   value (the protocol fixes it at 2^16; tests lower it).
    public init(_ handshake: HandshakeResult, rekeyInterval: UInt64 = defaultRekeyInterval) {
        precondition(rekeyInterval > 0, "rekeyInterval must be positive")
        handshakeHash = handshake.handshakeHash
        remoteStaticKey = handshake.remoteStaticKey
        sender = handshake.send
        receiver = handshake.receive
        self.rekeyInterval = rekeyInterval
    }

    // MARK: - Sending

    /// Encrypts `plaintext` into as many framed transport messages as it needs
    /// (none for empty input), ready to write to the stream.
    public mutating func encrypt(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let messages = (plaintext.count + Self.maxPayloadLength - 1) / Self.maxPayloadLength
        var out = [UInt8]()
        out.reserveCapacity(plaintext.count + messages * (NoiseFrameBuffer.prefixLength + CipherState.tagLength))
        var start = 0
        while start < plaintext.count {
            let end = min(start + Self.maxPayloadLength, plaintext.count)
            NoiseFrameBuffer.appendPrefix(end - start + CipherState.tagLength, to: &out)
            try sealOne(plaintext[start ..< end], appendingTo: &out)
            start = end
        }
        return out
    }

    /// Encrypts one transport message (at most `maxPayloadLength` bytes), without the length prefix.
    public mutating func encryptMessage(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard plaintext.count <= Self.maxPayloadLength else {
            throw .messageTooLong(length: plaintext.count + CipherState.tagLength)
        }
        var out = [UInt8]()
        out.reserveCapacity(plaintext.count + CipherState.tagLength)
        try sealOne(plaintext[...], appendingTo: &out)
        return out
    }

    private mutating func sealOne(_ chunk: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) throws(NoiseError) {
        try sender.encrypt(chunk, authenticating: [UInt8](), appendingTo: &out)
        messagesSent += 1
        if messagesSent % rekeyInterval == 0 { sender.rekey() }
    }

    // MARK: - Receiving

    /// Takes bytes read from the stream and returns the application bytes of
    /// every transport message they complete (possibly none). Throws on an
    /// empty frame or a message that fails to decrypt.
    public mutating func receive(_ streamBytes: some Sequence<UInt8>) throws(NoiseError) -> [UInt8] {
        inbound.append(streamBytes)
        var out = [UInt8]()
        var receiver = self.receiver
        var received = messagesReceived
        let interval = rekeyInterval
        defer {
            self.receiver = receiver
            messagesReceived = received
        }
        // Each message is decrypted straight from the buffer into `out`.
        while try inbound.withNextMessage({ (message: ArraySlice<UInt8>) throws(NoiseError) in
            try Self.open(message, with: &receiver, received: &received, rekeyInterval: interval, appendingTo: &out)
        }) {}
        return out
    }

    /// Decrypts one transport message (without its length prefix).
    public mutating func decryptMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        var out = [UInt8]()
        try Self.open(message[...], with: &receiver, received: &messagesReceived, rekeyInterval: rekeyInterval,
                      appendingTo: &out)
        return out
    }

    private static func open(_ message: ArraySlice<UInt8>, with receiver: inout CipherState, received: inout UInt64,
                             rekeyInterval: UInt64, appendingTo out: inout [UInt8]) throws(NoiseError) {
        guard message.count <= maxMessageLength else { throw .messageTooLong(length: message.count) }
        try receiver.decrypt(message, authenticating: [UInt8](), appendingTo: &out)
        received += 1
        if received % rekeyInterval == 0 { receiver.rekey() }
    }
}

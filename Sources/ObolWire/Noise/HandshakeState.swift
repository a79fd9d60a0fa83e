/// Noise's HandshakeState (revision 34, §5.3) for the XX pattern:
///
/// ```
/// XX:
///   -> e
///   <- e, ee, s, es
///   -> s, se
/// ```
///
/// The initiator writes messages 1 and 3, the responder message 2. After
/// message 3 both sides get a `HandshakeResult`: the two transport cipher
/// states, the handshake hash and the peer's static key.
public struct HandshakeState: Sendable {
    public enum Role: Sendable, Hashable {
        case initiator, responder
    }

    /// The protocol name hashed into `h` at the start.
    public static let protocolName = "Noise_XX_25519_ChaChaPoly_SHA256"
    static let keyLength = NoiseKeyPair.keyLength
    static let tagLength = CipherState.tagLength
    /// Noise's maximum message length.
    public static let maxMessageLength = 65_535

    public let role: Role
    private var symmetric: SymmetricState
    private let localStatic: NoiseKeyPair
    private let ephemeralKeys: NoiseKeySource
    private var localEphemeral: NoiseKeyPair?
    private var remoteEphemeral: [UInt8]?
    private var remoteStatic: [UInt8]?
    /// Messages written or read so far (0…3).
    public private(set) var messageIndex = 0

    /// - Parameters:
    ///   - prologue: data both sides must agree on (for Obol: `ObolNoise.prologue(magic:)`);
    ///     a mismatch makes the first encrypted payload fail to decrypt.
    ///   - staticKeyPair: this node's long-term key (its identity).
    ///   - ephemeralKeys: where the one ephemeral key pair comes from (random unless a test fixes it).
    public init(role: Role, prologue: [UInt8], staticKeyPair: NoiseKeyPair, ephemeralKeys: NoiseKeySource = .random) {
        self.role = role
        localStatic = staticKeyPair
        self.ephemeralKeys = ephemeralKeys
        symmetric = SymmetricState(protocolName: Self.protocolName)
        symmetric.mixHash(prologue)
        // XX has no pre-messages.
    }

    /// True when this side writes the next message (initiator: 1 and 3; responder: 2).
    public var isWriteTurn: Bool {
        switch role {
        case .initiator: messageIndex == 0 || messageIndex == 2
        case .responder: messageIndex == 1
        }
    }

    public var isComplete: Bool { messageIndex == 3 }

    /// The current handshake hash (final once the handshake is complete).
    public var handshakeHash: [UInt8] { symmetric.handshakeHash }

    /// The peer's static public key, once received (message 2 for the initiator, 3 for the responder).
    public var remoteStaticKey: [UInt8]? { remoteStatic }

    /// WriteMessage(payload): the next handshake message, and after message 3 the result.
    public mutating func writeMessage(_ payload: [UInt8] = []) throws(NoiseError)
        -> (message: [UInt8], result: HandshakeResult?) {
        guard isWriteTurn else { throw .outOfTurn }
        var state = self  // nothing changes unless the whole message is written
        var message: [UInt8] = []
        switch state.messageIndex {
        case 0:  // -> e
            state.writeEphemeral(into: &message)
        case 1:  // <- e, ee, s, es
            state.writeEphemeral(into: &message)
            try state.mixDH(state.ephemeral, state.remoteEphemeralKey())  // ee
            message += try state.symmetric.encryptAndHash(state.localStatic.publicKey)  // s
            try state.mixDH(state.localStatic, state.remoteEphemeralKey())  // es (responder: DH(s, re))
        default:  // -> s, se
            message += try state.symmetric.encryptAndHash(state.localStatic.publicKey)  // s
            try state.mixDH(state.localStatic, state.remoteEphemeralKey())  // se (initiator: DH(s, re))
        }
        message += try state.symmetric.encryptAndHash(payload)
        guard message.count <= Self.maxMessageLength else { throw .messageTooLong(length: message.count) }
        state.messageIndex += 1
        self = state
        return (message, try result())
    }

    /// ReadMessage(message): the payload it carries, and after message 3 the result.
    /// Throws (and leaves the state unchanged) on a short or tampered message.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError)
        -> (payload: [UInt8], result: HandshakeResult?) {
        guard !isWriteTurn, !isComplete else { throw .outOfTurn }
        guard message.count <= Self.maxMessageLength else { throw .messageTooLong(length: message.count) }
        var state = self
        var reader = ByteReader(message)
        switch state.messageIndex {
        case 0:  // -> e
            try state.readEphemeral(&reader)
        case 1:  // <- e, ee, s, es
            try state.readEphemeral(&reader)
            try state.mixDH(state.ephemeral, state.remoteEphemeralKey())  // ee
            try state.readStatic(&reader)  // s
            try state.mixDH(state.ephemeral, state.remoteStaticKeyOrThrow())  // es (initiator: DH(e, rs))
        default:  // -> s, se
            try state.readStatic(&reader)  // s
            try state.mixDH(state.ephemeral, state.remoteStaticKeyOrThrow())  // se (responder: DH(e, rs))
        }
        if state.symmetric.hasKey { try reader.require(Self.tagLength) }  // the payload's tag
        let payload = try state.symmetric.decryptAndHash(reader.rest())
        state.messageIndex += 1
        self = state
        return (payload, try result())
    }

    // MARK: - Tokens

    private mutating func writeEphemeral(into message: inout [UInt8]) {
        let keyPair = ephemeralKeys.next()
        localEphemeral = keyPair
        message += keyPair.publicKey
        symmetric.mixHash(keyPair.publicKey)
    }

    private mutating func readEphemeral(_ reader: inout ByteReader) throws(NoiseError) {
        let key = try reader.take(Self.keyLength)
        remoteEphemeral = key
        symmetric.mixHash(key)
    }

    private mutating func readStatic(_ reader: inout ByteReader) throws(NoiseError) {
        let length = Self.keyLength + (symmetric.hasKey ? Self.tagLength : 0)
        let encrypted = try reader.take(length)
        remoteStatic = try symmetric.decryptAndHash(encrypted)
    }

    private mutating func mixDH(_ local: NoiseKeyPair, _ remote: [UInt8]) throws(NoiseError) {
        symmetric.mixKey(try local.agreement(with: remote))
    }

    private var ephemeral: NoiseKeyPair {
        guard let localEphemeral else { preconditionFailure("XX sends e before any DH") }
        return localEphemeral
    }

    private func remoteEphemeralKey() throws(NoiseError) -> [UInt8] {
        guard let remoteEphemeral else { throw .outOfTurn }
        return remoteEphemeral
    }

    private func remoteStaticKeyOrThrow() throws(NoiseError) -> [UInt8] {
        guard let remoteStatic else { throw .outOfTurn }
        return remoteStatic
    }

    private func result() throws(NoiseError) -> HandshakeResult? {
        guard isComplete else { return nil }
        let (c1, c2) = symmetric.split()
        return HandshakeResult(send: role == .initiator ? c1 : c2, receive: role == .initiator ? c2 : c1,
                               handshakeHash: symmetric.handshakeHash, remoteStaticKey: try remoteStaticKeyOrThrow())
    }
}

/// Reads a handshake message front to back.
private struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ n: Int) throws(NoiseError) -> [UInt8] {
        try require(n)
        defer { offset += n }
        return Array(bytes[offset ..< offset + n])
    }

    func require(_ n: Int) throws(NoiseError) {
        guard bytes.count - offset >= n else { throw .messageTooShort(length: bytes.count, minimum: offset + n) }
    }

    func rest() -> [UInt8] { Array(bytes[offset...]) }
}

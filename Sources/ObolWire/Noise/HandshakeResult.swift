/// What a completed handshake yields.
public struct HandshakeResult: Sendable {
    /// Encrypts what this side sends (the initiator's is Split's first cipher state).
    public var send: CipherState
    /// Decrypts what the peer sends.
    public var receive: CipherState
    /// The final handshake hash, equal on both sides.
    public var handshakeHash: [UInt8]
    /// The peer's static public key (its node id), authenticated by the handshake.
    public var remoteStaticKey: [UInt8]
}

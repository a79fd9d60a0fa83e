import Crypto

/// A Curve25519 key pair for Noise's DH functions (X25519): a node's static
/// key, or a handshake's ephemeral key.
public struct NoiseKeyPair: Sendable {
    public static let keyLength = 32

    let privateKey: Curve25519.KeyAgreement.PrivateKey
    /// The 32-byte public key, as sent in handshake messages.
    public let publicKey: [UInt8]

    /// A new random key pair.
    public init() {
        self.init(Curve25519.KeyAgreement.PrivateKey())
    }

    /// The key pair of a 32-byte private key (as stored in a key file or given by test vectors).
    public init(privateKey bytes: some Collection<UInt8>) throws(NoiseError) {
        guard bytes.count == Self.keyLength,
              let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Array(bytes))
        else { throw .invalidPrivateKey }
        self.init(key)
    }

    private init(_ key: Curve25519.KeyAgreement.PrivateKey) {
        privateKey = key
        publicKey = Array(key.publicKey.rawRepresentation)
    }

    /// The 32 private-key bytes (to persist a static key; handle with care).
    public var privateKeyBytes: [UInt8] { Array(privateKey.rawRepresentation) }

    /// DH(self, remote): the raw 32-byte X25519 output.
    public func agreement(with remote: some Collection<UInt8>) throws(NoiseError) -> [UInt8] {
        guard remote.count == Self.keyLength,
              let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: Array(remote)),
              let secret = try? privateKey.sharedSecretFromKeyAgreement(with: publicKey)
        else { throw .invalidPublicKey }
        let bytes = secret.withUnsafeBytes { Array($0) }
        // RFC 7748 §6.1: an all-zero output means a low-order point (swift-crypto may already refuse it).
        guard bytes.contains(where: { $0 != 0 }) else { throw .invalidPublicKey }
        return bytes
    }
}

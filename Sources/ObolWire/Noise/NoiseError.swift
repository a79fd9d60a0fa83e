/// Why a Noise handshake or transport message could not be written or read.
///
/// Every case ends the connection. None of them is evidence against the peer
/// (`isPeerFault` is always false): the length prefixes and ciphertexts on the
/// byte stream are not authenticated until they decrypt, so anyone on the path
/// can cause any of these, and a peer on another network (another prologue)
/// fails the handshake with `decryptionFailed` through no misbehaviour.
public enum NoiseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A ciphertext (handshake payload, static key, or transport message)
    /// failed authentication: tampered, truncated, or keyed differently (for
    /// example, the two sides used different prologues).
    case decryptionFailed
    /// A handshake message is shorter than its pattern requires, or a
    /// transport message is shorter than the 16-byte tag.
    case messageTooShort(length: Int, minimum: Int)
    /// A message would be longer than Noise's 65,535-byte maximum.
    case messageTooLong(length: Int)
    /// A public key could not be used (wrong length, or a low-order point
    /// whose Diffie-Hellman output is all zeros).
    case invalidPublicKey
    /// A private key is not 32 bytes.
    case invalidPrivateKey
    /// `writeMessage` or `readMessage` was called out of turn, or after the
    /// handshake finished.
    case outOfTurn
    /// The cipher's 64-bit nonce is used up (2^64 - 1 is reserved).
    case nonceExhausted
    /// A length prefix on the byte stream declares 0 bytes, which no Noise
    /// message can be.
    case emptyFrame

    /// Always false: see the type's documentation. The caller closes the
    /// connection and does not discourage the address.
    public var isPeerFault: Bool { false }

    public var description: String {
        switch self {
        case .decryptionFailed: "noise: decryption failed (tampered data, or a different prologue/network)"
        case let .messageTooShort(length, minimum): "noise: message of \(length) bytes, at least \(minimum) expected"
        case let .messageTooLong(length): "noise: message of \(length) bytes exceeds 65535"
        case .invalidPublicKey: "noise: invalid public key"
        case .invalidPrivateKey: "noise: a private key must be 32 bytes"
        case .outOfTurn: "noise: handshake message out of turn"
        case .nonceExhausted: "noise: nonce exhausted"
        case .emptyFrame: "noise: zero-length frame"
        }
    }
}

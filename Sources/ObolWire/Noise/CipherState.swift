import Crypto
import Foundation

/// Noise's CipherState (revision 34, §5.1) for ChaChaPoly: a key `k` (absent
/// before the handshake mixes one in) and a 64-bit nonce counter `n`.
///
/// The 96-bit ChaCha20-Poly1305 nonce is 4 zero bytes followed by `n` as a
/// little-endian 64-bit integer. A ciphertext on the wire is the encrypted
/// bytes followed by the 16-byte Poly1305 tag (not swift-crypto's `.combined`,
/// which puts the nonce in front).
public struct CipherState: Sendable {
    public static let tagLength = 16
    public static let keyLength = 32
    /// 2^64 - 1: reserved by the spec; `rekey()` encrypts with it.
    static let maxNonce = UInt64.max

    private(set) var key: SymmetricKey?
    /// The next nonce to use.
    public private(set) var nonce: UInt64 = 0

    /// A cipher state with no key: encryption and decryption return their input.
    public init() {}

    /// A cipher state keyed with `key` (32 bytes), nonce 0.
    public init(key: some Collection<UInt8>) {
        precondition(key.count == Self.keyLength, "ChaChaPoly keys are 32 bytes")
        self.key = SymmetricKey(data: Array(key))
    }

    public var hasKey: Bool { key != nil }

    /// SetNonce(n): for tests and the spec's out-of-order uses; the transport never calls it.
    public mutating func setNonce(_ n: UInt64) {
        nonce = n
    }

    /// EncryptWithAd(ad, plaintext), returning ciphertext ‖ tag (or the plaintext when there is no key).
    public mutating func encrypt(_ plaintext: some DataProtocol, authenticating ad: some DataProtocol = [UInt8]())
        throws(NoiseError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(plaintext.count + Self.tagLength)
        try encrypt(plaintext, authenticating: ad, appendingTo: &out)
        return out
    }

    /// EncryptWithAd, appending ciphertext ‖ tag to `out` (the transport writes frames this way, copying once).
    public mutating func encrypt(_ plaintext: some DataProtocol, authenticating ad: some DataProtocol,
                                 appendingTo out: inout [UInt8]) throws(NoiseError) {
        guard let key else {
            out.append(contentsOf: plaintext)
            return
        }
        guard nonce != Self.maxNonce else { throw .nonceExhausted }
        let box: ChaChaPoly.SealedBox
        do {
            box = try ChaChaPoly.seal(plaintext, using: key, nonce: Self.chachaNonce(nonce), authenticating: ad)
        } catch {
            preconditionFailure("ChaChaPoly.seal failed with a 32-byte key and a 12-byte nonce: \(error)")
        }
        out.append(contentsOf: box.ciphertext)
        out.append(contentsOf: box.tag)
        nonce += 1
    }

    /// DecryptWithAd(ad, ciphertext ‖ tag), returning the plaintext (or the input when there is no key).
    /// On failure the nonce does not advance.
    public mutating func decrypt(_ ciphertext: some DataProtocol, authenticating ad: some DataProtocol = [UInt8]())
        throws(NoiseError) -> [UInt8] {
        var out = [UInt8]()
        try decrypt(ciphertext, authenticating: ad, appendingTo: &out)
        return out
    }

    /// DecryptWithAd, appending the plaintext to `out` (which is left as it was on failure).
    public mutating func decrypt(_ ciphertext: some DataProtocol, authenticating ad: some DataProtocol,
                                 appendingTo out: inout [UInt8]) throws(NoiseError) {
        guard let key else {
            out.append(contentsOf: ciphertext)
            return
        }
        guard nonce != Self.maxNonce else { throw .nonceExhausted }
        guard ciphertext.count >= Self.tagLength else {
            throw .messageTooShort(length: ciphertext.count, minimum: Self.tagLength)
        }
        let split = ciphertext.index(ciphertext.endIndex, offsetBy: -Self.tagLength)
        let plaintext: Data
        do {
            let box = try ChaChaPoly.SealedBox(nonce: Self.chachaNonce(nonce), ciphertext: ciphertext[..<split],
                                               tag: ciphertext[split...])
            plaintext = try ChaChaPoly.open(box, using: key, authenticating: ad)
        } catch {
            throw .decryptionFailed
        }
        nonce += 1
        out.append(contentsOf: plaintext)
    }

    /// Rekey(): k = the first 32 bytes of ENCRYPT(k, 2^64 - 1, empty AD, 32 zero bytes). The nonce is kept.
    public mutating func rekey() {
        guard let key else { return }
        do {
            let box = try ChaChaPoly.seal([UInt8](repeating: 0, count: Self.keyLength), using: key,
                                          nonce: Self.chachaNonce(Self.maxNonce), authenticating: [UInt8]())
            self.key = SymmetricKey(data: box.ciphertext.prefix(Self.keyLength))
        } catch {
            preconditionFailure("ChaChaPoly.seal failed with a 32-byte key and a 12-byte nonce: \(error)")
        }
    }

    /// 4 zero bytes ‖ n (little-endian u64).
    static func chachaNonce(_ n: UInt64) throws -> ChaChaPoly.Nonce {
        let bytes: [UInt8] = [0, 0, 0, 0,
                              UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8),
                              UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 24),
                              UInt8(truncatingIfNeeded: n >> 32), UInt8(truncatingIfNeeded: n >> 40),
                              UInt8(truncatingIfNeeded: n >> 48), UInt8(truncatingIfNeeded: n >> 56)]
        return try ChaChaPoly.Nonce(data: bytes)
    }
}

import Crypto
import Foundation
import ObolCore

/// An encrypted key file (version 2), as JSON on disk:
///
/// ```json
/// {"version": 2, "address": "obol1…", "network": "devnet", "networkID": 184671856,
///  "kdf": {"name": "scrypt", "log2N": 17, "r": 8, "p": 1, "salt": "<32 bytes hex>"},
///  "cipher": {"name": "chacha20-poly1305", "nonce": "<12 bytes hex>"},
///  "check": "<32 bytes hex>", "ciphertext": "<48 bytes hex: the encrypted key, then the tag>"}
/// ```
///
/// scrypt turns the passphrase and salt into 64 bytes: the first 32 are the ChaChaPoly key, the last 32 the
/// key of `check` = HMAC-SHA256(check key, "obol key file passphrase check"), which tells a wrong passphrase
/// (check differs) from an altered file (check matches, decryption fails). The AEAD's associated data is
/// `associatedData`: every field but the ciphertext, so editing any of them (the address or the network shown
/// in clear, too) makes decryption fail. docs/WALLET.md describes the format.
public struct EncryptedKeyFile: Sendable, Hashable {
    public static let version = 2
    static let saltBytes = 32
    static let acceptedSaltBytes = 16...64
    static let nonceBytes = 12
    static let tagBytes = 16
    static let checkLabel = Array("obol key file passphrase check".utf8)
    static let kdfName = "scrypt"
    static let cipherName = "chacha20-poly1305"

    public var address: Address
    public var network: KeyFileNetwork
    public var scrypt: ScryptParameters
    public var salt: [UInt8]
    public var nonce: [UInt8]
    public var check: [UInt8]
    /// The encrypted 32-byte key followed by the 16-byte Poly1305 tag.
    public var ciphertext: [UInt8]

    /// Encrypts `key` under `passphrase` with a fresh random salt and nonce.
    public static func encrypt(_ key: PrivateKey, network: KeyFileNetwork, passphrase: String,
                               scrypt: ScryptParameters = .standard) throws(WalletError) -> EncryptedKeyFile {
        if let refusal = scrypt.refusal() { throw refusal }
        let secret = try Self.passphraseBytes(passphrase)
        var file = EncryptedKeyFile(address: key.publicKey.address, network: network, scrypt: scrypt,
                                    salt: Self.randomBytes(saltBytes), nonce: Self.randomBytes(nonceBytes),
                                    check: [], ciphertext: [])
        let derived = try scrypt.derive(passphrase: secret, salt: file.salt, count: 64)
        file.check = Self.check(derived)
        do {
            let sealed = try ChaChaPoly.seal(key.bytes, using: SymmetricKey(data: derived[0..<32]),
                                             nonce: ChaChaPoly.Nonce(data: file.nonce),
                                             authenticating: file.associatedData)
            file.ciphertext = Array(sealed.ciphertext) + Array(sealed.tag)
        } catch {
            throw WalletError(code: "encryption-failed", message: "could not encrypt the key: \(error)")
        }
        return file
    }

    /// The key, decrypted with `passphrase`. A wrong passphrase is `wrong-passphrase`; a file whose fields
    /// were edited after it was written is `tampered-key-file`; `path` is named in both.
    public func decrypt(passphrase: String, path: String) throws(WalletError) -> PrivateKey {
        if let refusal = scrypt.refusal(path: path) { throw refusal }
        guard let secret = try? Self.passphraseBytes(passphrase) else { throw Self.wrongPassphrase(path) }
        let derived = try scrypt.derive(passphrase: secret, salt: salt, count: 64)
        guard HMAC<Crypto.SHA256>.isValidAuthenticationCode(check, authenticating: Self.checkLabel,
                                                     using: SymmetricKey(data: derived[32..<64])) else {
            throw Self.wrongPassphrase(path)
        }
        let tampered = WalletError(code: "tampered-key-file", message: "key file \(path) was altered after it was "
                                   + "written: its header (address, network, kdf or cipher fields) or its "
                                   + "ciphertext does not match what was encrypted")
        guard let box = try? ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce),
                                                  ciphertext: ciphertext.dropLast(Self.tagBytes),
                                                  tag: ciphertext.suffix(Self.tagBytes)),
              let plain = try? ChaChaPoly.open(box, using: SymmetricKey(data: derived[0..<32]),
                                               authenticating: associatedData)
        else { throw tampered }
        guard let key = try? PrivateKey(bytes: Array(plain)), key.publicKey.address == address else { throw tampered }
        return key
    }

    /// The AEAD's associated data: a domain label, then every field but the ciphertext as `name=value`
    /// (integers in decimal, bytes in lower-case hex), each preceded by its length as 4 bytes big-endian, in
    /// this order: version, address, network, networkID, kdf, log2N, r, p, salt, cipher, nonce, check.
    public var associatedData: [UInt8] {
        let fields = [
            "version=\(Self.version)", "address=\(address)", "network=\(network.name)", "networkID=\(network.id)",
            "kdf=\(Self.kdfName)", "log2N=\(scrypt.log2N)", "r=\(scrypt.r)", "p=\(scrypt.p)", "salt=\(Hex.encode(salt))",
            "cipher=\(Self.cipherName)", "nonce=\(Hex.encode(nonce))", "check=\(Hex.encode(check))",
        ]
        var bytes = Array("obol-key-file".utf8)
        for field in fields {
            let utf8 = Array(field.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { bytes += $0 }
            bytes += utf8
        }
        return bytes
    }

    /// The passphrase as bytes: its UTF-8 in Unicode normalization form C, so the same passphrase typed on
    /// systems that compose accents differently gives the same key. An empty passphrase is refused.
    static func passphraseBytes(_ passphrase: String) throws(WalletError) -> [UInt8] {
        let bytes = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
        guard !bytes.isEmpty else {
            throw WalletError(code: "empty-passphrase", message: "the passphrase is empty")
        }
        return bytes
    }

    static func wrongPassphrase(_ path: String) -> WalletError {
        WalletError(code: "wrong-passphrase", message: "wrong passphrase for key file \(path)")
    }

    private static func check(_ derived: [UInt8]) -> [UInt8] {
        Array(HMAC<Crypto.SHA256>.authenticationCode(for: checkLabel, using: SymmetricKey(data: derived[32..<64])))
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

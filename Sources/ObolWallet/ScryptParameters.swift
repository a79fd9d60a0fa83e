import Crypto
import CryptoExtras
import Foundation

/// The cost of scrypt, the key derivation that turns a passphrase into the key of an encrypted key file
/// (version 2): N = 2^`log2N` rounds, block size `r`, parallelism `p`. Memory is about 128·r·N bytes, time
/// grows with N·r·p. The parameters are stored in the file, so a file written with any cost in
/// `limits` can be read back; a file asking for more is refused before anything is allocated (a hostile file
/// must not make the wallet allocate gigabytes or spin for hours).
public struct ScryptParameters: Sendable, Hashable {
    /// log2 of N, the number of rounds (N = 2^log2N).
    public var log2N: Int
    /// The block size factor.
    public var r: Int
    /// The parallelism factor.
    public var p: Int

    public init(log2N: Int, r: Int, p: Int) {
        self.log2N = log2N
        self.r = r
        self.p = p
    }

    /// What new key files use: N = 2^17, r = 8, p = 1, that is 128 MiB and a fraction of a second on a
    /// laptop in a release build (the cost the scrypt paper suggests for interactive logins, doubled).
    public static let standard = ScryptParameters(log2N: 17, r: 8, p: 1)

    /// The cheapest accepted cost, for tests only: 2^10 rounds of r = 8 (1 MiB).
    public static let testing = ScryptParameters(log2N: 10, r: 8, p: 1)

    /// Accepted ranges. `r` stops at 16 because swift-crypto's scrypt sizes BoringSSL's memory limit as
    /// 128·N·r·p plus one page, which is too small from r = 32 with p = 1.
    public enum Limits {
        public static let log2N = 10...20
        public static let r = 1...16
        public static let p = 1...4
        /// The most memory a file may ask for: 128·r·N ≤ 256 MiB.
        public static let maxMemoryBytes = 256 << 20
        /// The most work a file may ask for: N·r·p ≤ 2^22 (four times the standard cost).
        public static let maxWork = 1 << 22
    }

    /// Bytes of memory scrypt needs with these parameters: 128·r·N.
    public var memoryBytes: Int { 128 * r << log2N }

    /// Why these parameters are refused (out of `Limits`), or nil when they are accepted. `path`, when given,
    /// is named in the message.
    public func refusal(path: String? = nil) -> WalletError? {
        let subject = path.map { "key file \($0)" } ?? "scrypt parameters"
        func refuse(_ why: String) -> WalletError {
            WalletError(code: "unsupported-kdf-parameters", message: "\(subject): \(why); refusing to derive a key "
                        + "(accepted: log2N \(Limits.log2N.lowerBound)…\(Limits.log2N.upperBound), r "
                        + "\(Limits.r.lowerBound)…\(Limits.r.upperBound), p \(Limits.p.lowerBound)…\(Limits.p.upperBound), "
                        + "at most \(Limits.maxMemoryBytes >> 20) MiB)")
        }
        guard Limits.log2N.contains(log2N) else { return refuse("scrypt log2N \(log2N) is out of range") }
        guard Limits.r.contains(r) else { return refuse("scrypt r \(r) is out of range") }
        guard Limits.p.contains(p) else { return refuse("scrypt p \(p) is out of range") }
        guard memoryBytes <= Limits.maxMemoryBytes else {
            return refuse("scrypt would need \(memoryBytes >> 20) MiB of memory")
        }
        guard (r * p) << log2N <= Limits.maxWork else { return refuse("scrypt N·r·p is too large") }
        return nil
    }

    /// Derives `count` bytes from `passphrase` and `salt`. The parameters must be within `Limits` and the
    /// passphrase not empty (both checked by the callers in `EncryptedKeyFile`).
    func derive(passphrase: [UInt8], salt: [UInt8], count: Int) throws(WalletError) -> [UInt8] {
        precondition(refusal() == nil && !passphrase.isEmpty && !salt.isEmpty, "checked by the caller")
        do {
            let key = try KDF.Scrypt.deriveKey(from: passphrase, salt: salt, outputByteCount: count,
                                               rounds: 1 << log2N, blockSize: r, parallelism: p)
            return key.withUnsafeBytes { [UInt8]($0) }
        } catch {
            throw WalletError(code: "kdf-failed", message: "scrypt failed (log2N \(log2N), r \(r), p \(p)): "
                              + "not enough memory for \(memoryBytes >> 20) MiB?")
        }
    }
}

import Foundation
import ObolCore
import ObolFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes key files. A key file is created with mode 0600 (its
/// directory, when created, with 0700), is never overwritten (only replaced
/// whole when `encryptInPlace` encrypts it), and is refused on load when others
/// can read it. New wallet files are encrypted (version 2, `EncryptedKeyFile`);
/// plain ones (version 1, `KeyFile`) still load. docs/WALLET.md describes both.
public enum Keystore {
    /// `$OBOL_WALLET` when set, else `~/.obol/wallet.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["OBOL_WALLET"], !path.isEmpty { return expandTilde(path, environment: environment) }
        return home(environment) + "/.obol/wallet.json"
    }

    /// Expands a leading `~/` (shells do this, but not inside `--flag=~/x`).
    public static func expandTilde(_ path: String,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        path == "~" || path.hasPrefix("~/") ? home(environment) + path.dropFirst() : path
    }

    /// Writes a new encrypted key file (version 2) for `key` at `path`: the key under `passphrase`
    /// (scrypt with `scrypt`, then ChaChaPoly), recording `network`. Fails when the file exists or the
    /// passphrase is empty.
    @discardableResult
    public static func create(at path: String, key: PrivateKey, network: KeyFileNetwork, passphrase: String,
                              scrypt: ScryptParameters = .standard) throws(WalletError) -> KeyFileHeader {
        let file = try EncryptedKeyFile.encrypt(key, network: network, passphrase: passphrase, scrypt: scrypt)
        try makeParentDirectory(of: path)
        try writeNew(file.json(), at: path)
        return KeyFileHeader(path: path, version: EncryptedKeyFile.version, address: file.address, network: network)
    }

    /// Writes a new plain key file (version 1: the key in hex, unencrypted) for `key` at `path`; fails when
    /// the file exists. For keys a process must read unattended (the node's miner key) and for tests; the
    /// wallet commands write encrypted files.
    @discardableResult
    public static func create(at path: String, key: PrivateKey) throws(WalletError) -> KeyFile {
        let file = KeyFile(key: key)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(file) else {
            throw WalletError(code: "io-error", message: "could not encode the key file")
        }
        try makeParentDirectory(of: path)
        let bytes = [UInt8](json) + [UInt8(ascii: "\n")]
        try writeNew(bytes, at: path)
        return file
    }

    /// Writes `bytes` as a new key file at `path` (mode 0600, never
    /// overwriting; complete or absent after a crash: `SecretFile.writeNew`).
    static func writeNew(_ bytes: [UInt8], at path: String) throws(WalletError) {
        do {
            try SecretFile.writeNew(bytes, at: path, temporaryPrefix: ".obol-key-")
        } catch where error.alreadyExists {
            throw WalletError(code: "key-file-exists", message: "key file \(path) already exists; refusing to overwrite it")
        } catch {
            throw ioError(error.step == .create ? "cannot create key file \(path)" : "cannot write key file \(path)",
                          error.code)
        }
    }

    /// What the key file at `path` says in clear (version, address, network), without a passphrase. A plain
    /// file's key is checked against its address too.
    public static func readHeader(at path: String) throws(WalletError) -> KeyFileHeader {
        switch try read(path) {
        case .plain(let file, _):
            return header(of: file, path: path)
        case .encrypted(let file):
            return header(of: file, path: path)
        }
    }

    /// The key in the file at `path`. `passphrase` is called only for an encrypted file, at most once; it
    /// may throw (no passphrase available). A plain file loads without it: show the header's `plainWarning`.
    public static func unlock(at path: String, passphrase: () throws(WalletError) -> String)
        throws(WalletError) -> (header: KeyFileHeader, key: PrivateKey) {
        switch try read(path) {
        case .plain(let file, let key):
            return (header(of: file, path: path), key)
        case .encrypted(let file):
            let key = try file.decrypt(passphrase: try passphrase(), path: path)
            return (header(of: file, path: path), key)
        }
    }

    /// Encrypts the plain (version 1) key file at `path` in place under `passphrase`, recording `network`:
    /// the encrypted file replaces the plain one atomically (`SecretFile.replace`: a synced temporary file
    /// renamed over it), so the path holds one or the other even after a crash. Refuses an encrypted file.
    @discardableResult
    public static func encryptInPlace(at path: String, network: KeyFileNetwork, passphrase: String,
                                      scrypt: ScryptParameters = .standard) throws(WalletError) -> KeyFileHeader {
        guard case .plain(_, let key) = try read(path) else {
            throw WalletError(code: "already-encrypted", message: "key file \(path) is already encrypted")
        }
        // A rename replaces this one name: the plain key would stay readable through any other.
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw WalletError(code: "key-file-link", message: "key file \(path) is a symbolic link; encrypt the file "
                              + "it points to (\((path as NSString).resolvingSymlinksInPath)) instead")
        }
        if info.st_nlink > 1 {
            throw WalletError(code: "key-file-link", message: "key file \(path) has \(info.st_nlink) hard links; the "
                              + "plain key would stay readable through the others: remove them first")
        }
        let file = try EncryptedKeyFile.encrypt(key, network: network, passphrase: passphrase, scrypt: scrypt)
        do {
            try SecretFile.replace(file.json(), at: path, temporaryPrefix: ".obol-key-")
        } catch {
            throw ioError("cannot replace key file \(path)", error.code)
        }
        return header(of: file, path: path)
    }

    /// Reads the plain (version 1) key file at `path` and checks the key in it. An encrypted file is refused
    /// (`passphrase-needed`): use `unlock(at:passphrase:)`.
    public static func load(from path: String) throws(WalletError) -> (file: KeyFile, key: PrivateKey) {
        switch try read(path) {
        case .plain(let file, let key):
            return (file, key)
        case .encrypted:
            throw WalletError(code: "passphrase-needed", message: "key file \(path) is encrypted; this command "
                              + "cannot ask for its passphrase")
        }
    }

    /// A key file as read from disk, checked.
    enum Contents {
        case plain(KeyFile, PrivateKey)
        case encrypted(EncryptedKeyFile)
    }

    /// The most bytes a key file may have (an encrypted one has under 1 KiB).
    static let maxFileBytes = 64 << 10

    /// Reads and checks the key file at `path`: it exists, is small, is a key file of a known version whose
    /// fields are valid (for an encrypted one, with an acceptable scrypt cost), and others cannot read it.
    static func read(_ path: String) throws(WalletError) -> Contents {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw WalletError(code: "no-key-file", message: "no key file at \(path); create one with "
                                  + "'obol wallet new' or 'obol wallet import'")
            }
            throw ioError("cannot read key file \(path)", code)
        }
        guard info.st_size <= maxFileBytes else {
            throw WalletError(code: "invalid-key-file", message: "\(path) is not an Obol key file (\(info.st_size) "
                              + "bytes, a key file has under \(maxFileBytes >> 10) KiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WalletError(code: "io-error", message: "cannot read key file \(path)")
        }
        // What the file is comes first: a file that holds no key needs no chmod.
        let contents = try parse(data, path: path)
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw WalletError(code: "key-file-permissions",
                              message: "key file \(path) can be read by others (mode \(String(mode, radix: 8))); "
                                  + "run 'chmod 600 \(path)'")
        }
        return contents
    }

    private struct VersionProbe: Decodable {
        var version: Int
    }

    private static func parse(_ data: Data, path: String) throws(WalletError) -> Contents {
        guard let probe = try? JSONDecoder().decode(VersionProbe.self, from: data) else {
            throw WalletError(code: "invalid-key-file", message: "\(path) is not an Obol key file (made by "
                              + "'obol wallet new' or 'obol wallet import')")
        }
        switch probe.version {
        case KeyFile.currentVersion:
            guard let file = try? JSONDecoder().decode(KeyFile.self, from: data) else {
                throw WalletError(code: "invalid-key-file", message: "\(path) is not an Obol key file (made by "
                                  + "'obol wallet new' or 'obol wallet import')")
            }
            do {
                return .plain(file, try file.key())
            } catch {
                throw WalletError(code: error.code, message: "key file \(path): \(error.message)")
            }
        case EncryptedKeyFile.version:
            return .encrypted(try EncryptedKeyFile(json: data, path: path))
        default:
            throw WalletError(code: "invalid-key-file", message: "key file \(path): unsupported version "
                              + "\(probe.version) (this obol reads versions 1 and 2)")
        }
    }

    private static func header(of file: EncryptedKeyFile, path: String) -> KeyFileHeader {
        KeyFileHeader(path: path, version: EncryptedKeyFile.version, address: file.address, network: file.network)
    }

    /// A plain file's header: it records no network.
    private static func header(of file: KeyFile, path: String) -> KeyFileHeader {
        KeyFileHeader(path: path, version: KeyFile.currentVersion, address: file.address, network: nil)
    }

    private static func makeParentDirectory(of path: String) throws(WalletError) {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw WalletError(code: "io-error", message: "cannot create directory \(directory)")
        }
    }

    private static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return NSHomeDirectory()
    }

    private static func ioError(_ what: String, _ code: Int32) -> WalletError {
        WalletError(code: "io-error", message: "\(what): \(String(cString: strerror(code)))")
    }
}

import Foundation
import ObolCore
import ObolFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes key files. A key file is created with mode 0600 (its
/// directory, when created, with 0700), is never overwritten, and is refused
/// on load when others can read it.
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

    /// Writes a new key file for `key` at `path`; fails when the file exists.
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

    /// Reads the key file at `path` and checks the key in it.
    public static func load(from path: String) throws(WalletError) -> (file: KeyFile, key: PrivateKey) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw WalletError(code: "no-key-file", message: "no key file at \(path); create one with "
                                  + "'obol wallet new' or 'obol wallet import --key HEX'")
            }
            throw ioError("cannot read key file \(path)", code)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WalletError(code: "io-error", message: "cannot read key file \(path)")
        }
        // What the file is comes first: a file that holds no key needs no chmod.
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: data)
        } catch {
            throw WalletError(code: "invalid-key-file", message: "\(path) is not an Obol key file (made by "
                              + "'obol wallet new' or 'obol wallet import')")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw WalletError(code: "key-file-permissions",
                              message: "key file \(path) can be read by others (mode \(String(mode, radix: 8))); "
                                  + "run 'chmod 600 \(path)'")
        }
        do {
            return (file, try file.key())
        } catch {
            throw WalletError(code: error.code, message: "key file \(path): \(error.message)")
        }
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

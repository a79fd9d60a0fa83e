import Foundation
import ObolCore
import ObolFiles
import ObolWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A node's long-term identity: the static Curve25519 key of its Noise
/// handshakes. Its 32-byte public key, printed as hex, is the node id.
///
/// The private key lives in `<data directory>/node.key`: exactly 32 raw bytes,
/// mode 0600, written once (temporary file, fsync, hard link, directory fsync)
/// and loaded on every later start.
public struct NodeIdentity: Sendable {
    public static let fileName = "node.key"

    public let keyPair: NoiseKeyPair

    public init(keyPair: NoiseKeyPair) {
        self.keyPair = keyPair
    }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { keyPair.publicKey }

    /// The node id: the public key as 64 lowercase hex digits.
    public var nodeID: String { Hex.encode(keyPair.publicKey) }

    /// Loads `<directory>/node.key`, or creates it (and `directory`, mode 0700) when it does not exist.
    public static func loadOrCreate(inDataDirectory directory: String) throws(NodeIdentityError) -> NodeIdentity {
        let (identity, isNew) = try loadOrGenerate(inDataDirectory: directory)
        return isNew ? try identity.save(inDataDirectory: directory) : identity
    }

    /// Loads `<directory>/node.key`, or makes a new identity without writing anything (`isNew`): a node
    /// saves it only once everything else it needs, such as its listening port, is known to work.
    public static func loadOrGenerate(inDataDirectory directory: String) throws(NodeIdentityError)
        -> (identity: NodeIdentity, isNew: Bool) {
        let path = directory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) { return (try load(from: path), false) }
        return (NodeIdentity(keyPair: NoiseKeyPair()), true)
    }

    /// Writes this identity as `<directory>/node.key` (creating `directory`, mode 0700), and returns the
    /// identity stored there: another process that created the file first wins.
    public func save(inDataDirectory directory: String) throws(NodeIdentityError) -> NodeIdentity {
        let path = directory + "/" + Self.fileName
        try Self.makeDirectory(directory)
        do throws(NodeIdentityError) {
            try Self.writeNew(keyPair.privateKeyBytes, at: path)
        } catch where error.code == .exists {
            return try Self.load(from: path)
        }
        return self
    }

    /// Loads an existing key file, refusing one that others can read or write,
    /// or that does not hold exactly 32 bytes.
    public static func load(from path: String) throws(NodeIdentityError) -> NodeIdentity {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw NodeIdentityError(.missing, "no node key file at \(path)") }
            throw ioError("cannot read node key file \(path)", code)
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw NodeIdentityError(.permissions, "node key file \(path) has mode \(String(mode, radix: 8)), "
                                    + "so other users can read or change it; run 'chmod 600 \(path)'")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeIdentityError(.io, "cannot read node key file \(path)")
        }
        guard data.count == NoiseKeyPair.keyLength, let keyPair = try? NoiseKeyPair(privateKey: [UInt8](data)) else {
            throw NodeIdentityError(.invalidLength, "node key file \(path) holds \(data.count) bytes, not the "
                                    + "\(NoiseKeyPair.keyLength) of a Curve25519 private key; it is damaged "
                                    + "(delete it to start with a new node id)")
        }
        return NodeIdentity(keyPair: keyPair)
    }

    // MARK: - Writing

    /// Writes `bytes` as a new key file at `path` (mode 0600, never
    /// overwriting; complete or absent after a crash: `SecretFile.writeNew`).
    static func writeNew(_ bytes: [UInt8], at path: String) throws(NodeIdentityError) {
        do {
            try SecretFile.writeNew(bytes, at: path, temporaryPrefix: ".node-key-")
        } catch where error.alreadyExists {
            throw NodeIdentityError(.exists, "node key file \(path) already exists")
        } catch {
            throw ioError(error.step == .create ? "cannot create node key file \(path)"
                                                : "cannot write node key file \(path)", error.code)
        }
    }

    private static func makeDirectory(_ directory: String) throws(NodeIdentityError) {
        guard !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw NodeIdentityError(.io, "cannot create data directory \(directory)")
        }
    }

    private static func ioError(_ what: String, _ code: Int32) -> NodeIdentityError {
        NodeIdentityError(.io, "\(what): \(String(cString: strerror(code)))")
    }
}

/// Why the node's identity key could not be loaded or created.
public struct NodeIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No key file at the path given to `load`.
        case missing
        /// The key file can be read or written by others (mode not 0600 or stricter).
        case permissions
        /// The key file is not exactly 32 bytes.
        case invalidLength
        /// The key file already exists (creation never overwrites).
        case exists
        /// The file or its directory could not be read, created or written.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

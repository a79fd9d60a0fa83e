import Foundation
import ObolCore
import ObolWallet
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Serialized: one test changes the process-wide umask.
@Suite(.serialized, .timeLimit(.minutes(1))) struct KeystoreTests {
    /// A fresh directory under the system's temporary directory.
    static func scratchDirectory() -> String {
        let path = NSTemporaryDirectory() + "obol-cli-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func createThenLoadGivesTheSameKey() throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        let key = PrivateKey.generate()
        let created = try Keystore.create(at: path, key: key)
        #expect(created.address == key.publicKey.address)
        let loaded = try Keystore.load(from: path)
        #expect(loaded.key == key)
        #expect(loaded.file.address == key.publicKey.address)
        let json = try #require(FileManager.default.contents(atPath: path))
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(key.publicKey.address.description) && text.contains(key.hex))
    }

    @Test func createsTheFileWith0600AndItsDirectoryWith0700() throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/.obol/wallet.json"
        let oldMask = umask(0)  // the file must be 0600 whatever the umask
        defer { umask(oldMask) }
        try Keystore.create(at: path, key: .generate())
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(dir + "/nested/.obol") == 0o700)
    }

    @Test func refusesToOverwriteAndLeavesTheOldKey() throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        let first = PrivateKey.generate()
        try Keystore.create(at: path, key: first)
        let error = #expect(throws: WalletError.self) { try Keystore.create(at: path, key: .generate()) }
        #expect(error?.code == "key-file-exists")
        #expect(error?.message == "key file \(path) already exists; refusing to overwrite it")
        #expect(try Keystore.load(from: path).key == first)
        // Neither the write nor the refusal leaves its temporary file behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["wallet.json"])
    }

    /// A dangling symbolic link at the path counts as an existing file: the
    /// key is not written through it.
    @Test func refusesADanglingSymlink() throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir + "/elsewhere.json")
        let error = #expect(throws: WalletError.self) { try Keystore.create(at: path, key: .generate()) }
        #expect(error?.code == "key-file-exists")
        #expect(!FileManager.default.fileExists(atPath: dir + "/elsewhere.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["wallet.json"])
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        try Keystore.create(at: path, key: .generate())
        chmod(path, 0o644)
        let error = #expect(throws: WalletError.self) { try Keystore.load(from: path) }
        #expect(error?.code == "key-file-permissions")
        #expect(error?.message.contains("chmod 600") == true)
    }

    @Test func missingFileSaysHowToCreateOne() {
        let path = Self.scratchDirectory() + "/absent.json"
        let error = #expect(throws: WalletError.self) { try Keystore.load(from: path) }
        #expect(error?.code == "no-key-file")
        #expect(error?.message.contains("obol wallet new") == true)
    }

    @Test(arguments: [
        "not json",
        #"{"version": 1, "address": "obol1x", "privateKey": "00"}"#,
        #"{"version": 2, "address": "ADDR", "privateKey": "KEY"}"#,
        #"{"version": 1, "address": "ADDR", "privateKey": "0000000000000000000000000000000000000000000000000000000000000000"}"#,
        #"{"version": 1, "address": "OTHER", "privateKey": "KEY"}"#,
    ])
    func rejectsDamagedKeyFiles(template: String) throws {
        let dir = Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        let key = PrivateKey.generate()
        let text = template
            .replacingOccurrences(of: "OTHER", with: PrivateKey.generate().publicKey.address.description)
            .replacingOccurrences(of: "ADDR", with: key.publicKey.address.description)
            .replacingOccurrences(of: "KEY", with: key.hex)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        let error = #expect(throws: WalletError.self) { try Keystore.load(from: path) }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains(path) == true)
    }

    @Test func defaultPathPrefersOBOL_WALLET() {
        #expect(Keystore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.obol/wallet.json")
        #expect(Keystore.defaultPath(environment: ["HOME": "/home/a", "OBOL_WALLET": "/keys/w.json"]) == "/keys/w.json")
        #expect(Keystore.defaultPath(environment: ["HOME": "/home/a", "OBOL_WALLET": "~/w.json"]) == "/home/a/w.json")
        #expect(Keystore.defaultPath(environment: ["HOME": "/home/a", "OBOL_WALLET": ""]) == "/home/a/.obol/wallet.json")
        #expect(Keystore.expandTilde("/abs/~/x", environment: ["HOME": "/h"]) == "/abs/~/x")
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObolCore
import Testing

/// The key a mining node makes for itself (`DATA_DIR/miner-key.json`, on 127.0.0.42): encrypted when a
/// passphrase is given without asking, plain with a warning otherwise; either way the wallet reads it.
extension ObolProcessTests {
    /// Runs `obol node --mine` in a new data directory until it has written its miner key, and returns the
    /// key file's JSON and what the node wrote on stderr.
    static func minerKeyFile(extraArguments: [String]) async throws -> (dir: URL, json: [String: Any], log: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-miner-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = dir.appendingPathComponent("chain")
        let logPath = dir.appendingPathComponent("node.log")
        FileManager.default.createFile(atPath: logPath.path, contents: nil)
        let log = try FileHandle(forWritingTo: logPath)
        defer { try? log.close() }
        let node = try Self.startNode(["--network", "test", "--data-dir", data.path, "--mine", "--threads", "1",
                                       "--http-port", "0", "--listen", "127.0.0.42:\(Int.random(in: 20_000..<40_000))",
                                       "--log-level", "notice"] + extraArguments, standardError: log)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let keyPath = data.appendingPathComponent("miner-key.json").path
        #expect(await Self.eventually(30) { FileManager.default.fileExists(atPath: keyPath) }, "\(keyPath) written")
        node.terminate()
        #expect(await Self.waitForExit(node, seconds: 20))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keyPath)))
                                as? [String: Any])
        return (dir, json, try String(contentsOf: logPath, encoding: .utf8))
    }

    @Test func aMinerKeyIsEncryptedWhenAPassphraseIsGiven() async throws {
        let passphraseFile = FileManager.default.temporaryDirectory.appendingPathComponent("obol-pass-\(UUID().uuidString)")
        try Data("miner passphrase\n".utf8).write(to: passphraseFile)
        defer { try? FileManager.default.removeItem(at: passphraseFile) }
        let (dir, json, log) = try await Self.minerKeyFile(extraArguments: ["--passphrase-file", passphraseFile.path])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(json["version"] as? Int == 2 && json["privateKey"] == nil, "\(json.keys)")
        #expect(json["network"] as? String == "test")
        #expect(!log.contains("plain text"), "\(log)")

        let keyFile = dir.appendingPathComponent("chain/miner-key.json").path
        let address = try await Self.obol(["wallet", "address", "--key-file", keyFile])
        let exported = try await Self.obol(["wallet", "export-key", "--key-file", keyFile,
                                            "--passphrase-file", passphraseFile.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let key = try PrivateKey(hex: exported.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(address.stdout.contains(key.publicKey.address.description), "\(address.stdout)")
    }

    @Test func aMinerKeyWithoutAPassphraseIsPlainAndTheNodeSaysHowToEncryptIt() async throws {
        let (dir, json, log) = try await Self.minerKeyFile(extraArguments: [])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(json["version"] as? Int == 1 && json["privateKey"] is String)
        #expect(log.contains("wrote the miner key in plain text") && log.contains("obol wallet encrypt --key-file"),
                "\(log)")
    }
}

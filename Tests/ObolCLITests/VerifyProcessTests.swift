import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import ObolWallet
import Testing

/// `obol verify` end to end: a store a mining node wrote passes (exit 0),
/// the same store with an account edited by hand fails (exit 1, the table
/// named), and a directory without a store is one clear line.
@Suite(.serialized, .timeLimit(.minutes(2))) struct VerifyProcessTests {
    typealias Tool = ObolProcessTests

    @Test func verifyPassesOnANodesStoreAndFailsOnAnEditedAccount() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-verify-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain").path
        let host = "127.0.5.1"
        let port = Int.random(in: 20_000..<40_000)
        let node = try Tool.startNode(["--network", "test", "--data-dir", data, "--http-host", host,
                                       "--http-port", "\(port)", "--no-listen", "--mine", "--threads", "1",
                                       "--log-level", "warning"])
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let client = try NodeClient(url: "http://\(host):\(port)")
        #expect(await Tool.eventually(60) { ((try? await client.status())?.height ?? 0) >= 3 }, "the node mines")
        node.terminate()
        #expect(await Tool.waitForExit(node, seconds: 20))

        let clean = try await Tool.obol(["verify", "--data-dir", data, "--network", "test"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.hasPrefix("verify: ok: "), "\(clean.stdout)")

        try Self.edit(data + "/chain.sqlite",
                      "UPDATE accounts SET balance = balance + 500 WHERE address = (SELECT MIN(address) FROM accounts)")

        let edited = try await Tool.obol(["verify", "--data-dir", data, "--network", "test"])
        #expect(edited.status == 1)
        let lines = edited.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(edited.stdout)")
        #expect(lines.first?.hasPrefix("accounts: obol1") == true, "\(edited.stdout)")
        #expect(lines.first?.contains(" stored, ") == true && lines.first?.hasSuffix(" replayed") == true, "\(edited.stdout)")
        #expect(lines.last?.hasPrefix("verify: 1 disagreement (accounts)") == true, "\(edited.stdout)")
    }

    static func edit(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    @Test func aDirectoryWithoutAStoreIsOneLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-verify-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let result = try await Tool.obol(["verify", "--data-dir", dir.path])

        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no chain store in"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "nothing was created")
    }

    @Test func aFileThatIsNotAStoreIsOneLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-verify-junk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(repeating: 0x41, count: 4096).write(to: dir.appendingPathComponent("chain.sqlite"))

        let result = try await Tool.obol(["verify", "--data-dir", dir.path])

        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot verify"), "\(result.stderr)")
    }
}

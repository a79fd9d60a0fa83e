import Foundation
import Testing

/// `obol node` refuses what would go wrong before it creates anything: a data directory in use by another
/// node, a taken port, a data directory that is no directory. Each is one line that names the cause.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DataDirectoryProcessTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("obol-\(name)-\(UUID().uuidString)").path
    }

    @Test func aSecondNodeOnTheSameDataDirectoryIsRefused() async throws {
        let directory = Self.temporaryPath("locked")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ObolProcessTests.startNode(["--network", "test", "--data-dir", directory, "--http-port", "0",
                                                    "--listen", "127.0.0.21:19341"])
        defer { kill(first.processIdentifier, SIGKILL) }
        try #require(await ObolProcessTests.eventually(30) { ObolProcessTests.accepts(host: "127.0.0.21", port: 19341) })
        let second = try await ObolProcessTests.obol(["node", "--network", "test", "--data-dir", directory, "--http-port", "0",
                                                "--listen", "127.0.0.22:19341"], timeout: 30)
        #expect(second.status != 0)
        #expect(second.stderr.contains("another process has"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        #expect(first.isRunning, "the first node is untouched")
    }

    @Test func takenPortsAreOneLineAndCreateNothing() async throws {
        let first = try ObolProcessTests.startNode(["--network", "test", "--data-dir", ":memory:",
                                                    "--http-host", "127.0.0.23", "--http-port", "18431",
                                                    "--listen", "127.0.0.23:19342"])
        defer { kill(first.processIdentifier, SIGKILL) }
        try #require(await ObolProcessTests.eventually(30) {
            ObolProcessTests.accepts(host: "127.0.0.23", port: 18431) && ObolProcessTests.accepts(host: "127.0.0.23", port: 19342)
        })
        for (arguments, words) in [
            (["--http-host", "127.0.0.23", "--http-port", "18431", "--listen", "127.0.0.24:19342"],
             "--http-port 18431 is already in use"),
            (["--http-host", "127.0.0.24", "--http-port", "18431", "--listen", "127.0.0.23:19342"],
             "cannot listen on 127.0.0.23:19342: address already in use"),
            (["--http-host", "nowhere.invalid", "--http-port", "18431"], "--http-host 'nowhere.invalid' is not an address"),
        ] {
            let directory = Self.temporaryPath("ports")
            let result = try await ObolProcessTests.obol(["node", "--network", "test", "--data-dir", directory, "--mine",
                                                    "--threads", "1"] + arguments, timeout: 30)
            #expect(result.status != 0)
            #expect(result.stderr.contains(words), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory), "nothing created for \(arguments)")
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func dataDirectoryFlagsAreCheckedFirst() async throws {
        let file = Self.temporaryPath("file")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("not a directory".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let isFile = try await ObolProcessTests.obol(["node", "--data-dir", file, "--mine", "--http-port", "0"])
        #expect(isFile.status != 0)
        #expect(isFile.stderr.contains("is a file, not a directory"), "\(isFile.stderr)")
        let empty = try await ObolProcessTests.obol(["node", "--data-dir", ""])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("--data-dir is empty"), "\(empty.stderr)")
        let network = try await ObolProcessTests.obol(["node", "--network", "mainnet", "--data-dir", ":memory:", "--http-port", "0"])
        #expect(network.status != 0)
        #expect(network.stderr.contains("--network 'mainnet'"))
        #expect(!network.stderr.contains("Usage"), "one line, no usage text: \(network.stderr)")
    }
}

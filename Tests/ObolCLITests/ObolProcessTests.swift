import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObolCore
import ObolWallet
import Testing

/// The `obol` executable end to end, on 127.0.0.1 only: a mining node on the
/// test network, the wallet commands against it, a graceful stop and a restart.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ObolProcessTests {
    /// The `obol` binary built next to this test binary.
    static var obolPath: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        // swift-testing may run from inside the .xctest bundle directory on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("obol").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("obol").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `obol` with `arguments` to completion; a process still running after `timeout` seconds is killed
    /// (a command that should have failed at once must not hang the run).
    /// Blocking waits run on a thread of their own, never on the test pool's few threads (which other tests'
    /// timers need).
    /// `input`, when given, is the process's stdin (then closed); else stdin is /dev/null.
    static func obol(_ arguments: [String], timeout: Double = 60, environment: [String: String] = [:],
                     input: String? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try runObol(arguments, timeout: timeout, environment: environment, input: input)
                })
            }
        }
    }

    private static func runObol(_ arguments: [String], timeout: Double, environment: [String: String],
                                input: String?) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: obolPath)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        if let stdin, let input {
            try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        nonisolated(unsafe) let watched = process  // read by the watchdog only
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if watched.isRunning { kill(watched.processIdentifier, SIGKILL) }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func startNode(_ arguments: [String], standardError: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: obolPath)
        process.arguments = ["node"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether something accepts TCP connections at `host:port` (IPv4).
    static func accepts(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func waitForExit(_ process: Process, seconds: Double) async -> Bool {
        await eventually(seconds) { !process.isRunning }
    }

    @Test(.timeLimit(.minutes(2))) func minesSendsStopsAndRestarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = Int.random(in: 20_000..<40_000)
        let url = "http://127.0.0.1:\(port)"
        let data = dir.appendingPathComponent("chain").path

        let node = try Self.startNode(["--network", "test", "--data-dir", data, "--http-port", "\(port)",
                                       "--no-listen", "--mine", "--threads", "1", "--log-level", "warning"])
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let client = try NodeClient(url: url)
        #expect(await Self.eventually(30) { (try? await client.status()) != nil }, "the node's API answers")

        let alloc = dir.appendingPathComponent("alloc.json").path
        let mine = dir.appendingPathComponent("me.json").path
        let passphrase = ["OBOL_PASSPHRASE": "correct horse"]
        #expect(try await Self.obol(["wallet", "import", "--key", ChainParams.devnetAllocationKeyHex, "--key-file", alloc,
                                     "--network", "test", "--scrypt-log2n", "10"], environment: passphrase).status == 0)
        #expect(try await Self.obol(["wallet", "new", "--key-file", mine, "--network", "test", "--scrypt-log2n", "10"],
                                    environment: passphrase).status == 0)
        let address = try await Self.obol(["wallet", "address", "--key-file", mine]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let recipient = try #require(Address(address))

        let sent = try await Self.obol(["wallet", "send", "--key-file", alloc, "--to", address, "--amount", "2.5", "--node", url],
                                       environment: passphrase)
        #expect(sent.status == 0, "send failed: \(sent.stderr)")
        #expect(sent.stderr.contains("sent 2.5 OBOL") && sent.stderr.contains("with a fee of 0.00001 OBOL"))
        #expect(await Self.eventually(30) {
            (try? await client.account(recipient))?.balance == 250_000_000
        }, "the transfer is confirmed")
        let balance = try await Self.obol(["wallet", "balance", "--key-file", mine, "--node", url])
        #expect(balance.stdout.contains("2.5"))

        // A refused transfer: more than the balance.
        let refused = try await Self.obol(["wallet", "send", "--key-file", mine, "--to", address, "--amount", "1000",
                                           "--node", url], environment: passphrase)
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1, "one clear line: \(refused.stderr)")

        // SIGTERM stops the node gracefully.
        let height = try await client.status().height
        node.terminate()
        #expect(await Self.waitForExit(node, seconds: 20))
        #expect(node.terminationStatus == 0)

        // A restart continues from the stored chain.
        let restarted = try Self.startNode(["--network", "test", "--data-dir", data, "--http-port", "\(port)",
                                            "--no-listen", "--log-level", "warning"])
        defer { if restarted.isRunning { kill(restarted.processIdentifier, SIGKILL) } }
        #expect(await Self.eventually(30) { ((try? await client.status())?.height ?? 0) >= height })
        #expect(try await client.account(recipient).balance == 250_000_000)
        restarted.terminate()
        #expect(await Self.waitForExit(restarted, seconds: 20))
    }

    @Test func badFlagsGiveOneLineAndAnError() async throws {
        let result = try await Self.obol(["node", "--http-port", "99999"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--http-port"))
        let address = try await Self.obol(["node", "--miner-address", "obol1notanaddress", "--mine"])
        #expect(address.status != 0)
        #expect(address.stderr.contains("not a valid obol address"))
    }

    @Test(arguments: [
        (["--peer", "127.0.0.2"], "--peer"),
        (["--peer", "127.0.0.2:70000"], "--peer"),
        (["--listen", "nowhere"], "--listen"),
        (["--listen", "127.0.0.2:9333", "--no-listen"], "--no-listen"),
        (["--max-connections", "-1"], "--max-connections"),
    ])
    func badPeerFlagsGiveOneLine(arguments: [String], flag: String) async throws {
        let result = try await Self.obol(["node", "--data-dir", ":memory:", "--http-port", "0"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(flag), "\(result.stderr)")
    }

    @Test(arguments: [
        (["simulate", "--loss", "150%"], "loss"),
        (["simulate", "--latency", "300-50ms"], "--latency"),
        (["simulate", "--block-time", "soon"], "--block-time"),
        (["simulate", "--nodes", "1"], "nodes"),
        (["tracker", "--listen", "nowhere"], "--listen"),
        (["tracker", "--network", "mainnet"], "--network"),
        (["node", "--data-dir", ":memory:", "--tracker", "127.0.0.1:9400"], "--tracker"),
        (["attack"], "--target"),
        (["attack", "--target", "192.0.2.1:9333"], "--target"),
        (["attack", "--target", "127.0.0.2:9333", "--from", "10.0.0.1"], "--from"),
        (["attack", "--target", "127.0.0.2:9333", "--from", "127.0.0.250"], "--from"),
        (["attack", "--target", "127.0.0.2:9333", "--attacks", "bad-signature,teleport"], "teleport"),
    ])
    func badSimulateTrackerAttackFlagsGiveOneLine(arguments: [String], flag: String) async throws {
        let result = try await Self.obol(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(flag), "\(result.stderr)")
    }

    @Test func simulatePrintsItsFiguresAndWritesCSVAndSVG() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-sim-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("sim.csv").path, svg = directory.appendingPathComponent("sim.svg").path
        let result = try await Self.obol(["simulate", "--nodes", "40", "--blocks", "5", "--latency", "10-20ms", "--csv", csv, "--svg", svg])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("blocks mined: 5"), "\(result.stdout)")
        #expect(result.stdout.contains("propagation: p50"))
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("nodes,outbound"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))
    }

    @Test func aTakenPeerPortIsOneClearLine() async throws {
        let port = Int.random(in: 40_000..<50_000)
        let first = try Self.startNode(["--network", "test", "--data-dir", ":memory:", "--http-port", "0",
                                        "--listen", "127.0.0.5:\(port)"])
        defer { kill(first.processIdentifier, SIGKILL) }
        // Only once the first node holds the port: a second node started before it would take the port itself.
        try #require(await Self.eventually(30) { Self.accepts(host: "127.0.0.5", port: port) })
        let result = try await Self.obol(["node", "--network", "test", "--data-dir", ":memory:", "--http-port", "0",
                                    "--listen", "127.0.0.5:\(port)"], timeout: 30)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot listen on 127.0.0.5:\(port)"), "\(result.stderr)")
    }

    @Test func miningFlagsWithoutMineAreRefused() async throws {
        let result = try await Self.obol(["node", "--threads", "2", "--data-dir", ":memory:", "--http-port", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("only apply with --mine"))
    }

    /// A chain spec with a field out of range stops the node before it opens
    /// anything, with one line that names the field and no usage text.
    @Test func aBadChainSpecIsOneLineNamingTheField() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var params = ChainParams.test
        params.name = "spec-test"
        params.medianTimeSpan = 9_223_372_036_854_775_807
        let spec = dir.appendingPathComponent("spec.json")
        try JSONEncoder().encode(params).write(to: spec)
        let result = try await Self.obol(["node", "--network", spec.path, "--data-dir", dir.appendingPathComponent("data").path,
                                    "--http-port", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("medianTimeSpan: must be 1 to 1000 blocks"))
        #expect(!result.stderr.contains("USAGE"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("data").path))
    }

    @Test(arguments: ["1e308h", "0s", "-5s", "8d", "200h", "nan", "infs"])
    func tuneRefusesBlockTimesOutOfRange(_ text: String) async throws {
        let result = try await Self.obol(["tune", "--block-time=\(text)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a duration from 1ms to 168h"))
    }

    /// Without --fee, `send` pays the node's minimum only up to 0.01 OBOL: a
    /// node asking more is refused before the account is read or anything signed.
    @Test(.timeLimit(.minutes(1)))
    func sendRefusesAHighNodeFeeWithoutFee() async throws {
        let status = StatusResponse(network: "devnet", networkID: ChainParams.devnet.networkID, height: 1, tip: .zero,
                                    work: .one, target: .max, hashRate: 0, peers: 0, mempoolSize: 0,
                                    minimumFee: 1_000 * ChainParams.coin)
        let stub = try LoopbackHTTPStub(status: 200, body: String(decoding: try JSONEncoder().encode(status), as: UTF8.self))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-fee-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("wallet.json").path
        try Keystore.create(at: keyPath, key: PrivateKey.generate())
        let result = try await Self.obol(["wallet", "send", "--key-file", keyPath, "--to",
                                    ChainParams.devnet.genesisAllocationAddress.description, "--amount", "1",
                                    "--node", "http://127.0.0.1:\(stub.port)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("minimum fee of 1000 OBOL"))
        #expect(result.stderr.contains("--fee"))
        #expect(result.stdout.isEmpty)
    }

    /// A stub node at height 12 whose answer serves both as its status and as
    /// an account of 60 OBOL, 50 of them newly mined and spendable from block 15.
    static func maturingAccountStub(connections: Int) throws -> LoopbackHTTPStub {
        let status = StatusResponse(network: "test", networkID: ChainParams.test.networkID, height: 12, tip: .zero,
                                    work: .one, target: .max, hashRate: 0, peers: 0, mempoolSize: 0,
                                    minimumFee: ChainParams.test.minimumFee)
        let account = AccountResponse(address: ChainParams.test.genesisAllocationAddress, balance: 60 * ChainParams.coin,
                                      spendable: 10 * ChainParams.coin,
                                      maturing: [MaturingCoins(amount: 50 * ChainParams.coin, spendableFrom: 15)],
                                      nextHeight: 13, nonce: 0, pendingNonce: 0, transactions: [])
        // JSON decoding ignores unknown keys: one body, read as either shape.
        func object(_ value: some Encodable) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? [String: Any] ?? [:]
        }
        let merged = try object(status).merging(try object(account)) { first, _ in first }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: merged), as: UTF8.self)
        return try LoopbackHTTPStub(status: 200, body: body, count: connections)
    }

    @Test(.timeLimit(.minutes(1)))
    func balanceShowsTheSpendablePartAndWhenNewCoinsMature() async throws {
        let stub = try Self.maturingAccountStub(connections: 1)
        let result = try await Self.obol(["wallet", "balance", "--address", ChainParams.test.genesisAllocationAddress.description,
                                    "--node", "http://127.0.0.1:\(stub.port)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Balance: 60 OBOL"))
        #expect(result.stdout.contains("Spendable: 10 OBOL"))
        #expect(result.stdout.contains("newly mined: 50 OBOL, spendable from block 15"))
    }

    /// More than the spendable part but within the balance: refused before
    /// anything is signed or submitted, saying when the coins mature.
    @Test(.timeLimit(.minutes(1)))
    func sendRefusesNewlyMinedCoinsBeforeSigning() async throws {
        let stub = try Self.maturingAccountStub(connections: 3)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-mature-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("wallet.json").path
        try Keystore.create(at: keyPath, key: PrivateKey.generate(), network: KeyFileNetwork(ChainParams.test),
                            passphrase: "p", scrypt: .testing)
        let result = try await Self.obol(["wallet", "send", "--key-file", keyPath, "--to",
                                    ChainParams.test.genesisAllocationAddress.description, "--amount", "20",
                                    "--node", "http://127.0.0.1:\(stub.port)"], environment: ["OBOL_PASSPHRASE": "p"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("50 OBOL of the balance is newly mined and spendable from block 15"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one clear line: \(result.stderr)")
        #expect(result.stdout.isEmpty, "no txid: nothing was submitted")
    }

    @Test func unreachableNodeIsOneLine() async throws {
        let result = try await Self.obol(["wallet", "balance", "--node", "http://127.0.0.1:1", "--address",
                                    ChainParams.devnet.genesisAllocationAddress.description])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot reach node"))
    }
}

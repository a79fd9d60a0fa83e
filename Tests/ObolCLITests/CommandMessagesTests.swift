import Foundation
import ObolAPIModels
import ObolCore
import ObolWallet
import Testing

/// What a new user typing the wrong thing sees: one line that says what is wrong and what to do.
@Suite(.timeLimit(.minutes(1)))
struct CommandMessagesTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("obol-messages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aMisspelledSubcommandIsNamedWithTheClosestOne() async throws {
        let result = try await ObolProcessTests.obol(["wallet", "balanse"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'balanse' is not a command of 'obol wallet': did you mean 'balance'?"),
                "\(result.stderr)")
        let top = try await ObolProcessTests.obol(["nod"])
        #expect(top.stderr.contains("did you mean 'node'?"), "\(top.stderr)")
        #expect(!top.stderr.contains("attack"), "hidden commands stay hidden")
    }

    @Test func aNegativeAmountIsAnInvalidAmountNotAMissingOne() async throws {
        let result = try await ObolProcessTests.obol(["wallet", "send", "--to", ChainParams.test.genesisAllocationAddress.description,
                                                "--amount", "-1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--amount: invalid amount \"-1\""), "\(result.stderr)")
    }

    @Test func newKeyFilesNeedAnExistingDirectoryAndOtherFilesAreNotKeyFiles() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("typo/wallet.json").path
        let new = try await ObolProcessTests.obol(["wallet", "new", "--key-file", missing])
        #expect(new.status != 0)
        #expect(new.stderr.contains("does not exist"), "\(new.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo").path))

        let readme = directory.appendingPathComponent("README.md").path
        #expect(FileManager.default.createFile(atPath: readme, contents: Data("# notes\n".utf8),
                                               attributes: [.posixPermissions: 0o644]))
        let address = try await ObolProcessTests.obol(["wallet", "address", "--key-file", readme])
        #expect(address.status != 0)
        #expect(address.stderr.contains("is not an Obol key file"), "\(address.stderr)")
        #expect(!address.stderr.contains("chmod"), "\(address.stderr)")
    }

    @Test func aBadPrivateKeyVariableIsOneLineNamingIt() async throws {
        let result = try await ObolProcessTests.obol(["node", "--mine", "--data-dir", ":memory:", "--http-port", "0", "--no-listen"],
                                               timeout: 30, environment: ["PRIVATE_KEY": "zz"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the PRIVATE_KEY environment variable is not"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage"), "\(result.stderr)")
    }

    @Test func tuneHelpGivesEachDefaultOnce() async throws {
        let help = try await ObolProcessTests.obol(["tune", "--help"])
        let threads = help.stdout.components(separatedBy: "--threads <threads>").last ?? ""
        let line = threads.prefix { $0 != "-" }
        #expect(line.components(separatedBy: "default").count == 2, "\(line)")
    }

    /// More than the whole balance: refused before signing, in OBOL, saying how much could be sent.
    @Test func sendingMoreThanTheBalanceSaysHowMuchFits() async throws {
        let stub = try ObolProcessTests.maturingAccountStub(connections: 3)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("wallet.json").path
        try Keystore.create(at: keyPath, key: PrivateKey.generate())
        let result = try await ObolProcessTests.obol(["wallet", "send", "--key-file", keyPath, "--to",
                                                ChainParams.test.genesisAllocationAddress.description, "--amount", "100",
                                                "--node", "http://127.0.0.1:\(stub.port)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("100.00001 OBOL (amount plus fee) is more than the balance of 60 OBOL "
                                       + "(10 spendable): send at most 9.99999 OBOL"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func specPrintsAChainSpecThatLoadsBackAsThePreset() async throws {
        for network in ["devnet", "test"] {
            let result = try await ObolProcessTests.obol(["spec", "--network", network])
            #expect(result.status == 0)
            #expect(try ChainParams.load(json: Data(result.stdout.utf8)) == ChainParams.preset(named: network))
        }
        #expect(try await ObolProcessTests.obol(["spec", "--network", "mainnet"]).status != 0)
    }

    /// A transfer waiting in the mempool shows on both sides: incoming for the recipient, outgoing for the sender.
    @Test(.timeLimit(.minutes(2))) func balanceShowsPendingTransfersBothWays() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = Int.random(in: 20_000..<40_000)
        let url = "http://127.0.0.31:\(port)"
        let node = try ObolProcessTests.startNode(["--network", "test", "--data-dir", ":memory:", "--http-host", "127.0.0.31",
                                                   "--http-port", "\(port)", "--no-listen"])
        defer { kill(node.processIdentifier, SIGKILL) }
        let client = try NodeClient(url: url)
        #expect(await ObolProcessTests.eventually(30) { (try? await client.status()) != nil })
        let alloc = directory.appendingPathComponent("alloc.json").path
        let passphrase = ["OBOL_PASSPHRASE": "correct horse"]
        #expect(try await ObolProcessTests.obol(["wallet", "import", "--key", ChainParams.devnetAllocationKeyHex,
                                                 "--key-file", alloc, "--network", "test", "--scrypt-log2n", "10"],
                                                environment: passphrase).status == 0)
        let recipient = PrivateKey.generate().publicKey.address.description
        let sent = try await ObolProcessTests.obol(["wallet", "send", "--key-file", alloc, "--to", recipient, "--amount", "2.5",
                                              "--node", url], environment: passphrase)
        #expect(sent.status == 0, "\(sent.stderr)")
        let incoming = try await ObolProcessTests.obol(["wallet", "balance", "--address", recipient, "--node", url])
        #expect(incoming.stdout.contains("Balance: 0 OBOL"), "\(incoming.stdout)")
        #expect(incoming.stdout.contains("Incoming: 2.5 OBOL in 1 pending transfer"), "\(incoming.stdout)")
        let outgoing = try await ObolProcessTests.obol(["wallet", "balance", "--key-file", alloc, "--node", url])
        #expect(outgoing.stdout.contains("Outgoing: 2.50001 OBOL with fees in 1 pending transfer"), "\(outgoing.stdout)")
    }
}

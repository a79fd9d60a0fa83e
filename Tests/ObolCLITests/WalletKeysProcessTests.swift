import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObolCore
import ObolWallet
import Testing

/// The key-file commands end to end: `new`, `import` (stdin), `export-key`, `encrypt`, `address`, and the
/// node checks of `send`, against stubs on 127.0.0.1. Passphrases come from `OBOL_PASSPHRASE` or
/// `--passphrase-file` (tests have no terminal); new files use `--scrypt-log2n 10` to stay fast.
@Suite(.timeLimit(.minutes(1))) struct WalletKeysProcessTests {
    static let passphrase = ["OBOL_PASSPHRASE": "correct horse"]
    static let cheap = ["--scrypt-log2n", "10"]

    static func scratch() -> String { KeystoreTests.scratchDirectory() }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func newWritesAnEncryptedFileWhoseAddressNeedsNoPassphrase() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/w.json"
        let new = try await ObolProcessTests.obol(["wallet", "new", "--key-file", path, "--network", "test"] + Self.cheap,
                                                  environment: Self.passphrase)
        #expect(new.status == 0, "\(new.stderr)")
        let object = try Self.json(path)
        #expect(object["version"] as? Int == 2 && object["network"] as? String == "test")
        #expect(object["networkID"] as? Int == Int(ChainParams.test.networkID))
        #expect(KeystoreTests.mode(path) == 0o600)
        let address = try await ObolProcessTests.obol(["wallet", "address", "--key-file", path])
        #expect(address.status == 0 && address.stderr.isEmpty, "\(address.stderr)")
        #expect(new.stdout.contains("Address: \(address.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"))
        // An existing file is refused before any passphrase is asked.
        let again = try await ObolProcessTests.obol(["wallet", "new", "--key-file", path] + Self.cheap)
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
    }

    @Test func importReadsTheKeyFromStdinAndExportKeyGivesItBackAfterThePassphrase() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/w.json", passphraseFile = dir + "/pass.txt"
        try Data("s3cret phrase\n".utf8).write(to: URL(fileURLWithPath: passphraseFile))
        let key = PrivateKey.generate()
        let imported = try await ObolProcessTests.obol(["wallet", "import", "--key-file", path, "--passphrase-file",
                                                        passphraseFile] + Self.cheap, input: key.hex + "\n")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Address: \(key.publicKey.address)"))
        #expect(!(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)).contains(key.hex))

        let exported = try await ObolProcessTests.obol(["wallet", "export-key", "--key-file", path, "--passphrase-file",
                                                        passphraseFile])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout == key.hex + "\n")
        let wrong = try await ObolProcessTests.obol(["wallet", "export-key", "--key-file", path],
                                                    environment: ["OBOL_PASSPHRASE": "s3cret phrase!"])
        #expect(wrong.status != 0 && wrong.stdout.isEmpty)
        #expect(wrong.stderr == "error: wrong passphrase for key file \(path)\n")
        // `--key -` reads stdin too; a bad line is one clear error and writes nothing.
        let bad = try await ObolProcessTests.obol(["wallet", "import", "--key", "-", "--key-file", dir + "/bad.json"]
                                                  + Self.cheap, environment: Self.passphrase, input: "zz\n")
        #expect(bad.status != 0 && bad.stderr.contains("64 hex digits"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.json"))
    }

    @Test func encryptConvertsAPlainFileInPlaceOnceAndPlainFilesWarn() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plain.json"
        let key = PrivateKey.generate()
        try Keystore.create(at: path, key: key)
        let address = try await ObolProcessTests.obol(["wallet", "address", "--key-file", path])
        #expect(address.stdout == "\(key.publicKey.address)\n")
        #expect(address.stderr.contains("obol wallet encrypt --key-file \(path)"), "\(address.stderr)")

        let encrypted = try await ObolProcessTests.obol(["wallet", "encrypt", "--key-file", path] + Self.cheap,
                                                        environment: Self.passphrase)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        #expect(KeystoreTests.mode(path) == 0o600)
        let text = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
        #expect(!text.contains(key.hex) && text.contains("\"version\" : 2"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plain.json"])
        let exported = try await ObolProcessTests.obol(["wallet", "export-key", "--key-file", path],
                                                       environment: Self.passphrase)
        #expect(exported.stdout == key.hex + "\n" && exported.stderr.isEmpty, "\(exported.stderr)")

        let again = try await ObolProcessTests.obol(["wallet", "encrypt", "--key-file", path] + Self.cheap,
                                                    environment: Self.passphrase)
        #expect(again.status != 0)
        #expect(again.stderr == "error: key file \(path) is already encrypted\n")
    }

    /// With no passphrase file, no `OBOL_PASSPHRASE` and no terminal: one line that says how to give one.
    @Test(.enabled(if: open("/dev/tty", O_RDONLY) < 0, "needs a process without a controlling terminal"))
    func withoutAPassphraseTheErrorSaysHowToGiveOne() async throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let new = try await ObolProcessTests.obol(["wallet", "new", "--key-file", dir + "/w.json"] + Self.cheap,
                                                  environment: ["OBOL_PASSPHRASE": ""])
        #expect(new.status != 0)
        #expect(new.stderr.split(separator: "\n").count == 1, "\(new.stderr)")
        #expect(new.stderr.contains("--passphrase-file") && new.stderr.contains("OBOL_PASSPHRASE"), "\(new.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/w.json"))
    }

    /// A stub node whose one answer serves as its status (network `name`/`id`) and as the account (nonces).
    static func stub(network name: String, id: UInt32, nonce: UInt64, pendingNonce: UInt64,
                     connections: Int) throws -> LoopbackHTTPStub {
        let status = StatusResponse(network: name, networkID: id, height: 12, tip: .zero, work: .one, target: .max,
                                    hashRate: 0, peers: 0, mempoolSize: 0, minimumFee: ChainParams.devnet.minimumFee)
        let account = AccountResponse(address: ChainParams.devnet.genesisAllocationAddress, balance: 60 * ChainParams.coin,
                                      spendable: 60 * ChainParams.coin, maturing: [], nextHeight: 13, nonce: nonce,
                                      pendingNonce: pendingNonce, transactions: [])
        func object(_ value: some Encodable) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? [String: Any] ?? [:]
        }
        let merged = try object(status).merging(try object(account)) { first, _ in first }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: merged), as: UTF8.self)
        return try LoopbackHTTPStub(status: 200, body: body, count: connections)
    }

    /// An encrypted devnet key file in a scratch directory.
    static func devnetKeyFile() throws -> (dir: String, path: String) {
        let dir = scratch()
        let path = dir + "/w.json"
        try Keystore.create(at: path, key: .generate(), network: KeyFileNetwork(ChainParams.devnet),
                            passphrase: "correct horse", scrypt: .testing)
        return (dir, path)
    }

    @Test(arguments: [("test", ChainParams.devnet.networkID), ("devnet", ChainParams.test.networkID)])
    func sendRefusesANodeOfAnotherNetwork(name: String, id: UInt32) async throws {
        let (dir, path) = try Self.devnetKeyFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stub = try Self.stub(network: name, id: id, nonce: 0, pendingNonce: 0, connections: 1)
        let result = try await ObolProcessTests.obol(["wallet", "send", "--key-file", path, "--to",
                                                      ChainParams.devnet.genesisAllocationAddress.description,
                                                      "--amount", "1", "--node", "http://127.0.0.1:\(stub.port)"],
                                                     environment: Self.passphrase)
        #expect(result.status != 0 && result.stdout.isEmpty)
        #expect(result.stderr.contains("the node is on network \(name) (id \(id))"), "\(result.stderr)")
        #expect(result.stderr.contains("belongs to devnet (id \(ChainParams.devnet.networkID))"), "\(result.stderr)")
    }

    @Test(arguments: [(UInt64(3), UInt64(1_000)), (UInt64(9), UInt64(2))])
    func sendRefusesANodeReportingAnImplausibleNonce(nonce: UInt64, pendingNonce: UInt64) async throws {
        let (dir, path) = try Self.devnetKeyFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stub = try Self.stub(network: "devnet", id: ChainParams.devnet.networkID, nonce: nonce,
                                 pendingNonce: pendingNonce, connections: 2)
        let result = try await ObolProcessTests.obol(["wallet", "send", "--key-file", path, "--to",
                                                      ChainParams.devnet.genesisAllocationAddress.description,
                                                      "--amount", "1", "--node", "http://127.0.0.1:\(stub.port)"],
                                                     environment: Self.passphrase)
        #expect(result.status != 0 && result.stdout.isEmpty, "nothing signed or submitted")
        #expect(result.stderr.contains("next nonce \(pendingNonce)") && result.stderr.contains("refusing"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import ObolAPIModels
import ObolCore
import ObolWallet
import Testing

/// `obol node --wallet` end to end on 127.0.0.41: the token file, the bearer check, and the refusal of a
/// wallet on an address other machines reach (checked before anything binds or is created).
extension ObolProcessTests {
    static let walletHost = "127.0.0.41"

    static let walletPassphrase = "node wallet passphrase"

    /// A new temporary directory holding a key file encrypted for `network` and, in `passphrase.txt`, its
    /// passphrase; removed by the caller. `keyFile` is the key file's path, with the flag that unlocks it.
    static func walletFixture(network: ChainParams = .test)
        throws -> (dir: URL, keyFile: String, address: Address, unlock: [String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-node-wallet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("wallet.json").path
        let passphraseFile = dir.appendingPathComponent("passphrase.txt").path
        try Data((walletPassphrase + "\n").utf8).write(to: URL(fileURLWithPath: passphraseFile))
        let key = PrivateKey.generate()
        try Keystore.create(at: keyFile, key: key, network: KeyFileNetwork(name: network.name, id: network.networkID),
                            passphrase: walletPassphrase, scrypt: .testing)
        return (dir, keyFile, key.publicKey.address, ["--passphrase-file", passphraseFile])
    }

    /// The status and body of `GET url`, with `token` as the bearer token; nil when nothing answers.
    static func get(_ url: URL, token: String?) async -> (status: Int, body: Data)? {
        var request = URLRequest(url: url)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let status = (response as? HTTPURLResponse)?.statusCode else { return nil }
        return (status, data)
    }

    @Test(.timeLimit(.minutes(1))) func aWalletNodeWritesItsTokenAndChecksIt() async throws {
        let (dir, keyFile, address, unlock) = try Self.walletFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // A token file of an earlier start, readable by others: replaced, and the new one is 0600.
        let tokenPath = data.appendingPathComponent("api.token").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: tokenPath))
        chmod(tokenPath, 0o644)

        let port = Int.random(in: 20_000..<40_000)
        let node = try Self.startNode(["--network", "test", "--data-dir", data.path, "--http-host", Self.walletHost,
                                       "--http-port", "\(port)", "--no-listen", "--wallet", keyFile,
                                       "--log-level", "warning"] + unlock)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let url = try #require(URL(string: "http://\(Self.walletHost):\(port)/wallet"))
        let token = { () -> String in
            (try? String(contentsOfFile: tokenPath, encoding: .utf8)) ?? ""
        }
        #expect(await Self.eventually(30) {
            token().count == 64 ? await Self.get(url, token: token())?.status == 200 : false
        }, "GET /wallet answers with the token of \(tokenPath)")

        let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(token().allSatisfy { "0123456789abcdef".contains($0) })
        let answer = try #require(await Self.get(url, token: token()))
        let wallet = try JSONDecoder().decode(WalletResponse.self, from: answer.body)
        #expect(wallet.address == address && wallet.balance == 0 && wallet.nextNonce == 0)

        #expect(await Self.get(url, token: nil)?.status == 401)
        #expect(await Self.get(url, token: String(repeating: "0", count: 64))?.status == 401)
        let status = try #require(URL(string: "http://\(Self.walletHost):\(port)/status"))
        #expect(await Self.get(status, token: nil)?.status == 200)

        node.terminate()
        #expect(await Self.waitForExit(node, seconds: 20))
    }

    @Test func aWalletOnAReachableHostIsRefusedBeforeAnythingIsCreated() async throws {
        let (dir, keyFile, _, _) = try Self.walletFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain")
        // 0.0.0.0 is never bound: the refusal comes while the flags are read.
        let result = try await Self.obol(["node", "--network", "test", "--data-dir", data.path, "--no-listen",
                                          "--http-host", "0.0.0.0", "--wallet", keyFile], timeout: 30)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains("--allow-remote-wallet"))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    /// A non-loopback host warns, with or without a wallet. 192.0.2.1 (TEST-NET-1) is no address of
    /// this machine, so the node then stops at its listen check: nothing is bound or created.
    @Test(arguments: [[], ["--allow-remote-wallet"]])
    func aReachableHostWarns(walletFlags: [String]) async throws {
        let (dir, keyFile, _, unlock) = try Self.walletFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain")
        let wallet = walletFlags.isEmpty ? [] : ["--wallet", keyFile] + unlock + walletFlags
        let result = try await Self.obol(["node", "--network", "test", "--data-dir", data.path, "--no-listen",
                                          "--http-host", "192.0.2.1"] + wallet, timeout: 30)
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a loopback address: other machines can reach the HTTP API"), "\(result.stderr)")
        #expect(result.stderr.contains("--http-host '192.0.2.1' is not an address of this machine"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    @Test func anUnreadableWalletFileIsOneLine() async throws {
        let (dir, _, _, _) = try Self.walletFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain")
        let missing = dir.appendingPathComponent("nowhere.json").path
        let result = try await Self.obol(["node", "--network", "test", "--data-dir", data.path, "--no-listen",
                                          "--http-host", Self.walletHost, "--wallet", missing], timeout: 30)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains("--wallet") && result.stderr.contains(missing))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    /// A wrong passphrase, and a key file of another network, are one line each before anything is created.
    @Test func aWalletThatDoesNotUnlockForThisNodeIsOneLine() async throws {
        let (dir, keyFile, _, _) = try Self.walletFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("chain")
        let node = ["node", "--network", "test", "--data-dir", data.path, "--no-listen", "--http-host", Self.walletHost]

        let wrong = try await Self.obol(node + ["--wallet", keyFile], timeout: 60,
                                        environment: ["OBOL_PASSPHRASE": "not the passphrase"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.split(separator: "\n").count == 1, "one line: \(wrong.stderr)")
        #expect(wrong.stderr.contains("--wallet: wrong passphrase"), "\(wrong.stderr)")

        let (devnetDir, devnetKeyFile, _, unlock) = try Self.walletFixture(network: .devnet)
        defer { try? FileManager.default.removeItem(at: devnetDir) }
        let other = try await Self.obol(node + ["--wallet", devnetKeyFile] + unlock, timeout: 60)
        #expect(other.status != 0)
        #expect(other.stderr.split(separator: "\n").count == 1, "one line: \(other.stderr)")
        #expect(other.stderr.contains("belongs to network devnet") && other.stderr.contains("--network devnet"),
                "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }
}

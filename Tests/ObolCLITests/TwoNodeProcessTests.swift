import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ObolAPIModels
import ObolCore
import ObolWallet
import Testing

/// Two `obol node` processes on their own loopback addresses: blocks and a transfer cross between them,
/// each lists the other, and after `kill -9` of one and a restart they reconnect and agree on the tip.
@Suite(.timeLimit(.minutes(2)))
struct TwoNodeProcessTests {
    static func status(_ url: String) async -> StatusResponse? {
        guard let client = try? NodeClient(url: url) else { return nil }
        return try? await client.status()
    }

    static func peers(_ url: String) async -> [[String: Any]] {
        guard let (data, _) = try? await URLSession.shared.data(from: URL(string: "\(url)/peers")!),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return object["peers"] as? [[String: Any]] ?? []
    }

    @Test func twoNodesConnectRelayAndReconnectAfterKill() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-pair-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let peerPort = Int.random(in: 20_000..<40_000)
        let httpPort = peerPort + 1
        let (a, b) = ("127.0.0.2", "127.0.0.3")
        let (urlA, urlB) = ("http://\(a):\(httpPort)", "http://\(b):\(httpPort)")
        func arguments(_ host: String, _ name: String, _ extra: [String]) -> [String] {
            ["--network", "test", "--data-dir", dir.appendingPathComponent(name).path, "--listen", "\(host):\(peerPort)",
             "--http-host", host, "--http-port", "\(httpPort)", "--log-level", "warning"] + extra
        }
        let miner = try ObolProcessTests.startNode(arguments(a, "a", ["--mine", "--threads", "1"]))
        defer { if miner.isRunning { kill(miner.processIdentifier, SIGKILL) } }
        var follower = try ObolProcessTests.startNode(arguments(b, "b", ["--peer", "\(a):\(peerPort)"]))
        defer { if follower.isRunning { kill(follower.processIdentifier, SIGKILL) } }

        #expect(await ObolProcessTests.eventually(60) { (await Self.status(urlB))?.peers == 1 })
        #expect(await Self.status(urlA)?.peers == 1)
        let listed = await Self.peers(urlA)
        #expect(listed.first?["direction"] as? String == "inbound")
        #expect((await Self.peers(urlB)).first?["address"] as? String == "\(a):\(peerPort)")
        // The miner's blocks reach the follower.
        #expect(await ObolProcessTests.eventually(60) { ((await Self.status(urlB))?.height ?? 0) >= 3 })

        // A transfer sent to the follower is mined by the miner.
        let alloc = dir.appendingPathComponent("alloc.json").path
        let me = dir.appendingPathComponent("me.json").path
        let passphrase = ["OBOL_PASSPHRASE": "correct horse"]
        _ = try await ObolProcessTests.obol(["wallet", "import", "--key", ChainParams.devnetAllocationKeyHex, "--key-file", alloc,
                                             "--network", "test", "--scrypt-log2n", "10"], environment: passphrase)
        _ = try await ObolProcessTests.obol(["wallet", "new", "--key-file", me, "--network", "test", "--scrypt-log2n", "10"],
                                            environment: passphrase)
        let address = try await ObolProcessTests.obol(["wallet", "address", "--key-file", me]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let recipient = try #require(Address(address))
        let sent = try await ObolProcessTests.obol(["wallet", "send", "--key-file", alloc, "--to", address, "--amount", "3",
                                              "--node", urlB], environment: passphrase)
        #expect(sent.status == 0, "\(sent.stderr)")
        let clientA = try NodeClient(url: urlA)
        #expect(await ObolProcessTests.eventually(60) {
            (try? await clientA.account(recipient))?.balance == 300_000_000
        }, "the miner mined the transfer it got from the follower")

        // kill -9 the follower, restart it: it reconnects and catches up.
        kill(follower.processIdentifier, SIGKILL)
        #expect(await ObolProcessTests.waitForExit(follower, seconds: 20))
        follower = try ObolProcessTests.startNode(arguments(b, "b", ["--peer", "\(a):\(peerPort)"]))
        #expect(await ObolProcessTests.eventually(60) {
            guard let sa = await Self.status(urlA), let sb = await Self.status(urlB) else { return false }
            return sb.peers == 1 && sa.tip == sb.tip
        }, "after a restart the follower reconnects and agrees on the tip")
        miner.terminate()
        follower.terminate()
        #expect(await ObolProcessTests.waitForExit(miner, seconds: 20))
        #expect(await ObolProcessTests.waitForExit(follower, seconds: 20))
    }
}

import Foundation
import ObolCore
@testable import ObolNode
import ObolStore
import ObolTestSupport
import Testing

/// Pending transfers survive a graceful restart: written to `mempool.dat` on shutdown, offered again on start.
@Suite(.timeLimit(.minutes(1)))
struct MempoolFileTests {
    static let carol = ChainBuilder.testAddress(31)

    @Test func theFileRoundTripsInNonceOrderAndRefusesDamage() throws {
        let chain = ChainBuilder()
        let first = chain.transfer(to: Self.carol, amount: 5, nonce: 0)
        let second = chain.transfer(to: Self.carol, amount: 6, nonce: 1)
        let bytes = MempoolFile.encode([second, first])
        #expect(try MempoolFile.decode(bytes, limit: 10) == [first, second])
        #expect(throws: DecodeError.countTooLarge(field: "transfers", count: 2, limit: 1)) {
            try MempoolFile.decode(bytes, limit: 1)
        }
        #expect(throws: DecodeError.self) { try MempoolFile.decode(Array(bytes.dropLast()), limit: 10) }
        #expect(throws: DecodeError.invalidValue(field: "magic")) { try MempoolFile.decode(Array("JUNK".utf8) + bytes, limit: 10) }
    }

    @Test func aGracefulRestartKeepsPendingTransfersAndDropsConfirmedOnes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = NodeConfiguration(params: .test, dataDirectory: directory.url.path, verificationThreads: 1)
        configuration.logger.logLevel = .critical
        var builder = ChainBuilder()
        let pending = builder.transfer(to: Self.carol, amount: 7 * ChainParams.coin, nonce: 0)
        let next = builder.transfer(to: Self.carol, amount: 8 * ChainParams.coin, nonce: 1)

        let before = try Node(configuration: configuration, store: SQLiteChainStore(dataDirectory: directory.url))
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await before.run() }
            for transfer in [pending, next] {
                let id = try await before.submit(transfer).get()
                #expect(id == transfer.id)
            }
            group.cancelAll()  // a graceful stop: run() saves the mempool before it returns
        }
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(MempoolFile.fileName).path))

        // Meanwhile the first transfer is mined: the restarted node drops it and keeps the second.
        let block = try builder.mine(transfers: [pending])
        do {
            let miner = try Node(configuration: configuration, store: SQLiteChainStore(dataDirectory: directory.url))
            #expect(await miner.submit(block) == .connected(height: 1, disconnected: 0))
            try await miner.chain.flush()
        }

        let after = try Node(configuration: configuration, store: SQLiteChainStore(dataDirectory: directory.url))
        #expect(await after.mempool.count == 0, "nothing before run()")
        let events = after.mempoolEvents(bufferingPolicy: .unbounded)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await after.run() }
            var accepted: [Hash256] = []
            for await event in events {
                if case let .accepted(transfer, _) = event { accepted.append(transfer.id) }
                if !accepted.isEmpty { break }
            }
            #expect(accepted == [next.id])
            #expect(await after.mempool.count == 1)
            group.cancelAll()
        }
    }
}

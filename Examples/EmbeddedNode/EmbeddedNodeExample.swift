import Obol

/// Embeds an Obol node in a program: an in-memory chain on the test network,
/// mining with one thread, and a transfer from the genesis allocation that
/// the program watches until a block confirms it.
///
///     swift run EmbeddedNodeExample
@main
struct EmbeddedNodeExample {
    static func main() async throws {
        let miner = PrivateKey.generate()
        let node = try Node(configuration: NodeConfiguration(
            params: .test,
            dataDirectory: nil,  // in memory; pass a directory for the SQLite store
            mining: MinerConfig(address: miner.publicKey.address, threads: 1)))

        // Subscribe before running, so no event is missed.
        let events = node.chainEvents(bufferingPolicy: .bufferingNewest(16))

        let friend = PrivateKey.generate().publicKey.address
        let payment = Transfer.signed(by: ChainParams.devnetAllocationKey, networkID: ChainParams.test.networkID,
                                      to: friend, amount: 3 * ChainParams.coin, fee: 10_000, nonce: 0)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }

            switch await node.submit(payment) {
            case let .success(id): print("submitted \(id)")
            case let .failure(reason): print("refused: \(reason)")
            }
            for await event in events {
                guard case let .blockConnected(block, height, _) = event else { continue }
                print("block \(height): \(block.hash) with \(block.transactions.count) transactions")
                if block.transfers.contains(where: { $0.id == payment.id }) {
                    let balance = await node.chain.account(friend).balance
                    print("confirmed: \(friend) holds \(Double(balance) / Double(ChainParams.coin)) coins")
                    break
                }
            }
            group.cancelAll()  // stops the node: miner first, chain last
            try await group.waitForAll()
        }
    }
}

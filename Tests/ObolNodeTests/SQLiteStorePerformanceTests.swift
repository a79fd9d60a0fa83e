import Foundation
import ObolCore
import ObolNode
import ObolStore
import Testing

/// How long committing a long chain takes. Opt-in, since it measures rather
/// than checks: `OBOL_STORE_BENCH=1000 swift test -c release --filter StorePerformance`.
@Suite(.timeLimit(.minutes(1))) struct SQLiteStorePerformanceTests {
    static let blockCount = ProcessInfo.processInfo.environment["OBOL_STORE_BENCH"].flatMap { Int($0) }

    @Test(.enabled(if: blockCount != nil))
    func commitsBlocksOfOneHundredTransfers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = Self.blockCount ?? 0
        let blocks = StoreBenchChain.blocks(count: count, transfersPerBlock: 99)
        let store = try SQLiteChainStore(path: directory.databasePath)
        try store.initialize(genesis: blocks[0].block, entry: blocks[0].entry, accounts: [:])
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for item in blocks.dropFirst() {
                try store.saveBlock(item.block, entry: item.entry)
                try store.commit(item.update)
            }
        }
        print("SQLiteChainStore: saved and committed \(count) blocks of 100 transactions in \(elapsed)")
        #expect(try store.load()?.tip == blocks.last?.block.hash)
    }
}

/// Blocks with unsigned transfers (the store does not verify), each from its
/// own sender to its own recipient, and the updates that connect them.
enum StoreBenchChain {
    struct Item {
        var block: Block
        var entry: BlockIndexEntry
        var update: TipUpdate
    }

    static func blocks(count: Int, transfersPerBlock: Int) -> [Item] {
        let senders = (0..<transfersPerBlock).map { _ in PrivateKey.generate().publicKey }
        var items = [Item]()
        var previous = Hash256.zero
        for height in 0...UInt64(count) {
            var transactions: [Transaction] = [.coinbase(Coinbase(networkID: 1, height: height,
                                                                  recipient: testAddress(0xAA), amount: 50))]
            var accounts = [Address: Account?]()
            if height > 0 {
                for (j, sender) in senders.enumerated() {
                    var raw = [UInt8](repeating: 0xD0, count: Address.size)
                    withUnsafeBytes(of: height.littleEndian) { for (i, b) in $0.enumerated() { raw[1 + i] = b } }
                    raw[10] = UInt8(truncatingIfNeeded: j)
                    raw[11] = UInt8(truncatingIfNeeded: j >> 8)
                    let recipient = Address(bytes: raw)!
                    let transfer = Transfer(networkID: 1, sender: sender, recipient: recipient, amount: 1, fee: 1,
                                            nonce: height - 1, signature: .empty)
                    transactions.append(.transfer(transfer))
                    accounts[transfer.senderAddress] = Account(balance: 1_000_000 - 2 * height, nonce: height)
                    accounts[recipient] = Account(balance: 1)
                }
            }
            accounts[testAddress(0xAA)] = Account(balance: 50 * height)
            let header = BlockHeader(height: height, previousHash: previous,
                                     merkleRoot: MerkleTree.root(of: transactions.map(\.id)),
                                     timestamp: 1_700_000_000 + height, bits: ChainParams.test.initialBits)
            let block = Block(header: header, transactions: transactions)
            let undo = BlockUndo(previous: accounts.mapValues { _ -> Account? in nil })
            items.append(Item(block: block,
                              entry: BlockIndexEntry(hash: block.hash, header: header,
                                                     chainWork: UInt256(height + 1), status: .valid),
                              update: TipUpdate(disconnected: [], connected: [(block, undo)],
                                                accounts: accounts, tip: block.hash)))
            previous = block.hash
        }
        return items
    }
}

import ObolCore
import ObolNode
import Testing

/// Random admissions, replacements, expiry and mining against a small ledger;
/// after every step the pool must be consistent and its template must apply.
@Suite(.timeLimit(.minutes(1))) struct MempoolInvariantTests {
    typealias F = MempoolFixture

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomOperationsKeepThePoolConsistent(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)  // a failure can be replayed from its seed
        let keys = (0..<8).map { _ in PrivateKey.generate() }
        var ledger = Dictionary(uniqueKeysWithValues: keys.map {
            ($0.publicKey.address, Account(balance: 100_000, nonce: 0))
        })
        let config = MempoolConfig(maxCount: 8, maxBytes: 8 * Transfer.baseSize + 300, expiry: 300)
        var pool = F.pool(config)
        var now = F.start
        var height: UInt64 = 0
        var history: [(block: Block, ledger: [Address: Account])] = []

        for _ in 0..<200 {
            now += UInt64.random(in: 0...20, using: &random)
            let key = keys.randomElement(using: &random)!
            let address = key.publicKey.address
            let account = ledger[address]!
            switch UInt8.random(in: 0..<11, using: &random) {
            case 0..<8:
                let next = pool.pendingNonce(for: address, account: account)
                let nonce = next - min(next - account.nonce, UInt64.random(in: 0...1, using: &random))
                let transfer = F.transfer(key, nonce: nonce, amount: UInt64.random(in: 1...9_000, using: &random),
                                          fee: F.minimumFee * UInt64.random(in: 1...6, using: &random),
                                          data: [UInt8](repeating: 0, count: Int.random(in: 0...60, using: &random)))
                _ = try? pool.add(transfer, account: account, now: now)
            case 8:
                _ = pool.expire(now: now)
            case 9:
                // The last block leaves the chain: its transfers must all come back,
                // unless making room evicted something.
                guard let (block, before) = history.popLast() else { continue }
                height -= 1
                ledger = before
                pool.blockDisconnected(block)
                let touched = pool.addressesToRevalidate()
                let events = pool.revalidate(accounts: ledger.filter { touched.contains($0.key) }, now: now)
                let evicted = events.contains { if case .removed(_, .evicted) = $0 { true } else { false } }
                if !evicted {
                    for transfer in block.transfers { #expect(pool.contains(transfer.id)) }
                }
            default:
                let before = ledger
                height += 1
                let chosen = pool.template(maxCount: 4, maxBytes: 3 * Transfer.baseSize + 100)
                for transfer in chosen {
                    var sender = ledger[transfer.senderAddress]!
                    try TransferRules.checkAgainstAccount(transfer, sender, atHeight: height, maturity: 0)
                    sender.balance -= transfer.amount + transfer.fee
                    sender.nonce += 1
                    ledger[transfer.senderAddress] = sender
                }
                let block = F.block(height: height, chosen)
                history.append((block, before))
                _ = pool.blockConnected(block)
                let touched = pool.addressesToRevalidate()
                _ = pool.revalidate(accounts: ledger.filter { touched.contains($0.key) }, now: now)
            }
            check(pool, ledger: ledger, config: config)
        }
    }

    func check(_ pool: MempoolPool, ledger: [Address: Account], config: MempoolConfig,
               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(pool.count <= config.maxCount, sourceLocation: sourceLocation)
        #expect(pool.totalBytes <= config.maxBytes, sourceLocation: sourceLocation)
        var count = 0
        var bytes = 0
        for (address, account) in ledger {
            let pending = pool.pending(from: address)
            count += pending.count
            bytes += pending.reduce(0) { $0 + $1.size }
            #expect(pending.map(\.nonce) == Array(account.nonce..<account.nonce + UInt64(pending.count)),
                    sourceLocation: sourceLocation)
            #expect(pending.reduce(0) { $0 + $1.amount + $1.fee } <= account.balance, sourceLocation: sourceLocation)
        }
        #expect(count == pool.count, sourceLocation: sourceLocation)
        #expect(bytes == pool.totalBytes, sourceLocation: sourceLocation)
        #expect(Set(pool.all().map(\.id)).count == pool.count, sourceLocation: sourceLocation)
    }
}

import Benchmark
import ObolCore
import ObolNode

// One sender's nonce chain admitted into the mempool's pool, transfer after
// transfer (`MempoolPool.add`, signatures marked verified: the per-sender
// bookkeeping is what is measured, not secp256k1). The cap on pending
// transfers per sender is raised to the chain's length. Admission must cost
// the same for the 50,000th transfer as for the 1st: each benchmark records
// the time per transfer over the first and over the last 1,000 of the chain
// ("First 1k" / "Last 1k", ns per transfer, thread CPU time); the sizes 1k,
// 10k and 50k let the per-transfer medians be compared too.
func registerMempoolBenchmarks() {
    let first = BenchmarkMetric.custom("First 1k, CPU ns per transfer", polarity: .prefersSmaller,
                                       useScalingFactor: false)
    let last = BenchmarkMetric.custom("Last 1k, CPU ns per transfer", polarity: .prefersSmaller,
                                      useScalingFactor: false)
    for size in [1_000, 10_000, 50_000] {
        let name = size == 50_000 ? "Mempool.senderChain50000" : "Mempool.senderChain\(size)"
        var configuration = Rate.configuration(Rate.transfers, scalingFactor: .one, maxDuration: .seconds(3))
        configuration.metrics += [first, last]
        configuration.units[first] = .count
        configuration.units[last] = .count
        configuration.maxIterations = size == 50_000 ? 5 : 50
        Benchmark(name, configuration: configuration) { benchmark, chain in
            let config = MempoolConfig(maxCount: size, maxBytes: 1 << 30, maxPerSender: size)
            var pool = MempoolPool(params: chain.params, config: config)
            let window = min(1_000, size)
            var nsFirst = 0
            var nsLast = 0
            let start = Rate.threadCPUTime()
            var mark = start
            for (i, transfer) in chain.transfers.prefix(size).enumerated() {
                do {
                    blackHole(try pool.add(transfer, account: chain.account, now: 1_700_000_000, signature: .verified))
                } catch {
                    benchmark.error("transfer \(i) refused: \(error)")
                    return
                }
                if i + 1 == window { nsFirst = Rate.threadCPUTime() - mark }
                if i + 1 == size - window { mark = Rate.threadCPUTime() }
            }
            let end = Rate.threadCPUTime()
            nsLast = end - mark
            benchmark.measurement(first, nsFirst / window)
            benchmark.measurement(last, nsLast / window)
            if end > start { benchmark.measurement(Rate.transfers, Int(Double(size) * 1e9 / Double(end - start))) }
            if pool.count != size { benchmark.error("only \(pool.count) of \(size) admitted") }
        } setup: {
            SenderChainFixture.shared
        }
    }
}

/// 50,000 signed transfers of one sender, nonces 0..<50,000, and an account that covers them all.
struct SenderChainFixture: Sendable {
    let params = ChainParams.test
    let transfers: [Transfer]
    let account: Account

    static let shared = SenderChainFixture(count: 50_000)

    init(count: Int) {
        let key = Fixtures.key("obol/bench/mempool/sender")
        let recipient = Fixtures.key("obol/bench/mempool/recipient").publicKey.address
        let fee = params.minimumFee
        transfers = (0..<count).map { nonce in
            Transfer.signed(by: key, networkID: ChainParams.test.networkID, to: recipient, amount: 1_000,
                            fee: fee, nonce: UInt64(nonce))
        }
        account = Account(balance: UInt64(count) * (1_000 + fee) * 2, nonce: 0)
    }
}

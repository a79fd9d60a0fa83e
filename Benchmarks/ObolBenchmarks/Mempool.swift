import Benchmark
import ObolCore
import ObolNode

// One sender's nonce chain admitted into the mempool's pool, transfer after
// transfer (`MempoolPool.add`, signatures marked verified: the per-sender
// bookkeeping is what is measured, not secp256k1). The cap on pending
// transfers per sender is raised to the chain's length. Admission must cost
// the same for the 50,000th transfer as for the 1st. Each benchmark records
// the CPU time per transfer over the first and over the last 1,000 of the
// chain ("First 1k" / "Last 1k"): the median over 20 batches of 50 (the
// median leaves out the batch in which a dictionary or array doubles), and
// the window's total ("... total"), which includes it. The sizes 1k, 10k and
// 50k let the overall rates be compared too.
func registerMempoolBenchmarks() {
    func metric(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersSmaller, useScalingFactor: false)
    }
    let first = metric("First 1k, median CPU ns per transfer")
    let last = metric("Last 1k, median CPU ns per transfer")
    let firstTotal = metric("First 1k total, CPU ns per transfer")
    let lastTotal = metric("Last 1k total, CPU ns per transfer")
    let batch = 50
    for size in [1_000, 10_000, 50_000] {
        var configuration = Rate.configuration(Rate.transfers, scalingFactor: .one, maxDuration: .seconds(3))
        for extra in [first, last, firstTotal, lastTotal] {
            configuration.metrics.append(extra)
            configuration.units[extra] = .count
        }
        configuration.maxIterations = size == 50_000 ? 10 : 50
        Benchmark("Mempool.senderChain\(size)", configuration: configuration) { benchmark, chain in
            let config = MempoolConfig(maxCount: size, maxBytes: 1 << 30, maxPerSender: size)
            var pool = MempoolPool(params: chain.params, config: config)
            let window = min(1_000, size)
            var batches: [Int] = []  // CPU ns of each batch of `batch` transfers, in order
            batches.reserveCapacity(size / batch)
            let start = Rate.threadCPUTime()
            var mark = start
            for (i, transfer) in chain.transfers.prefix(size).enumerated() {
                do {
                    blackHole(try pool.add(transfer, account: chain.account, now: 1_700_000_000, signature: .verified))
                } catch {
                    benchmark.error("transfer \(i) refused: \(error)")
                    return
                }
                if (i + 1) % batch == 0 {
                    let now = Rate.threadCPUTime()
                    batches.append(now - mark)
                    mark = now
                }
            }
            let end = Rate.threadCPUTime()
            let perWindow = window / batch
            let head = batches.prefix(perWindow)
            let tail = batches.suffix(perWindow)
            benchmark.measurement(first, head.sorted()[perWindow / 2] / batch)
            benchmark.measurement(last, tail.sorted()[perWindow / 2] / batch)
            benchmark.measurement(firstTotal, head.reduce(0, +) / window)
            benchmark.measurement(lastTotal, tail.reduce(0, +) / window)
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

// The "Limit.*" benchmarks: the node's own paths (the Miner, what ChainActor
// runs to validate a block, MempoolActor admission, a durable chain import)
// measured side by side with a C reference in the same iteration, so that the
// ratio holds on a shared, noisy machine. See docs/BENCHMARKS.md.
import Benchmark
import CSHA256
import Foundation
import ObolCore
import ObolNode
import ObolStore
import Synchronization

enum LimitMetric {
    /// CPU the machine's other processes used during the iteration, in % of one core.
    static let othersLoad = BenchmarkMetric.custom("Other processes' CPU (% of a core)", polarity: .prefersSmaller,
                                                   useScalingFactor: false)

    static func larger(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    // Miner
    static let kernel1 = larger("Kernel, 1 thread (hashes/s, wall)")
    static let miner1 = larger("Miner, 1 thread (hashes/s, wall)")
    static let miner1VsKernelWall = larger("Miner 1 thread / kernel 1 thread (%, wall)")
    static let miner1VsKernelCPU = larger("Miner 1 thread / kernel 1 thread (%, CPU time)")
    static let miner2 = larger("Miner, 2 threads (hashes/s, wall)")
    static let miner2VsMiner1 = larger("Miner 2 threads / miner 1 thread (%, wall)")
    static let kernel2VsKernel1 = larger("Kernel 2 threads / kernel 1 thread (%, wall)")
    static let miner2Cores = larger("Miner 2 threads: CPU time / wall (%)")
    static let miner2VsMiner1CPU = larger("Miner 2 threads / miner 1 thread (%, CPU time)")
    static let miner2VsKernel2 = larger("Miner 2 threads / kernel 2 threads (%, wall)")

    // Validation and mempool
    static let rate = larger("Rate (transfers/s, wall)")
    static let rawOneCore = larger("Raw verify, 1 core (#/s, CPU time)")
    static let rawAllCores = larger("Raw verify, all cores (#/s, wall)")
    static let versusCoresTimesRaw = larger("vs cores × raw 1 core (%)")
    static let versusRawAllCores = larger("vs raw on all cores, same run (%)")
    static let rawAllCoresWithParse = larger("Raw parse + verify, all cores (#/s, wall)")
    /// libsecp256k1's own `ecdsa_verify` benchmark (`bench_verify` in
    /// src/bench.c; Benchmarks/tools/bench-verify.c runs it in C) parses the
    /// public key and the signature in every iteration: this is that loop,
    /// on one thread, per CPU second. Its rate here is about 25 k/s, the
    /// figure usually quoted for libsecp256k1 0.2.0 on one core.
    static let rawOneCoreWithParse = larger("Raw parse + verify, 1 core (#/s, CPU time)")
    static let versusCoresTimesRawWithParse = larger("vs cores × raw parse + verify 1 core (%)")
    static let versusRawAllCoresWithParse = larger("vs raw parse + verify on all cores, same run (%)")
    /// Items per CPU second of the path over raw verifications per CPU second
    /// on one core: the path's own cost per item, whatever the parallelism.
    static let perCPUVersusRaw = larger("Per CPU second vs raw 1 core (%)")
    static let freshRate = larger("Fresh block (transfers/s, wall)")
    /// Process CPU time over wall time of the measured region: the cores the
    /// node's path kept busy (and got from a shared machine).
    static let coresUsed = larger("Cores busy: CPU time / wall (%)")
    static let warmVersusFresh = larger("Warm / fresh (%)")

    // Import
    static let blocksPerSecond = larger("Import (blocks/s, wall)")
    static let importRate = larger("Import (transfers/s, wall)")
    static let validationRate = larger("Validation in memory (transfers/s, wall)")
    static let importVersusValidation = larger("Import / validation (%)")

    static let versusRaw = [rate, rawOneCore, rawAllCores, rawAllCoresWithParse, versusCoresTimesRaw, versusRawAllCores,
                            versusRawAllCoresWithParse, rawOneCoreWithParse, versusCoresTimesRawWithParse, perCPUVersusRaw, coresUsed]

    static func configuration(_ metrics: [BenchmarkMetric], units: [BenchmarkMetric: BenchmarkUnits] = [:],
                              maxDuration: Duration, maxIterations: Int = 1_000,
                              warmupIterations: Int = 1) -> Benchmark.Configuration {
        var allUnits = units
        for metric in metrics where allUnits[metric] == nil { allUnits[metric] = .count }
        allUnits[othersLoad] = .count
        return .init(metrics: [.wallClock, .mallocCountTotal] + metrics + [othersLoad], units: allUnits,
                     warmupIterations: warmupIterations, scalingFactor: .one, maxDuration: maxDuration,
                     maxIterations: maxIterations)
    }
}

func registerLimitBenchmarks() {
    registerMinerLimit()
    registerValidationLimits()
    registerMempoolLimit()
    registerImportLimit()
}

// MARK: - Miner

/// Bits whose target is 1: no nonce wins, so every scan runs its whole range.
private let unwinnableBits = CompactTarget(bits: 0x0300_0001)
/// Seconds of each measured window.
private let minerWindowNs = 400_000_000

/// The C reference: `obol_scan` with the best kernel in 2^16-nonce chunks (as
/// the miner calls it), on `threads` new threads for `ns` nanoseconds.
/// Returns the summed rates (hashes per wall second, hashes per CPU second).
private func kernelRate(threads: Int, ns: Int) async -> (wall: Double, cpu: Double) {
    let rates = Shared<(wall: Double, cpu: Double)>((0, 0))
    let header = BlockHeader(height: 1, previousHash: .zero, merkleRoot: .zero, timestamp: 0, bits: unwinnableBits)
    let encoded = header.encoded
    await onThreads(threads) { worker in
        var job = obol_header_job()
        let target = [UInt8](repeating: 0, count: 32)
        obol_header_job_init(&job, encoded, target)
        let kernel = obol_kernel_best()
        var nonce = UInt64(worker) << 48
        var found: UInt64 = 0
        var wins: Int32 = 0
        let wall0 = Now.wall()
        let cpu0 = Now.threadCPU()
        let deadline = wall0 + ns
        var done = 0
        repeat {
            wins |= obol_scan(&job, kernel, nonce, 1 << 16, &found)
            nonce += 1 << 16
            done += 1 << 16
        } while Now.wall() < deadline
        let wall = perSecond(done, ns: Now.wall() - wall0)
        let cpu = perSecond(done, ns: Now.threadCPU() - cpu0)
        precondition(wins == 0, "a nonce met a target of 1")
        rates.update { $0.wall += wall; $0.cpu += cpu }
    }
    return rates.value
}

/// The node's Miner (real job, real worker threads, real chunk loop) with
/// `threads` threads on a job no nonce can win, measured over an `ns` window
/// once every worker is running. CPU time is the process's (the benchmark
/// task sleeps meanwhile). `benchmark`, when given, measures the window.
private func minerRate(threads: Int, ns: Int, measuring benchmark: Benchmark? = nil) async -> (wall: Double, cpu: Double) {
    let config = MinerConfig(address: benchAddress("obol/bench/miner"), threads: threads, lowPriorityThreads: false)
    let miner = Miner(params: .test, config: config, clock: SystemClock(),
                      context: { MiningContext(height: 1, previousHash: .zero, bits: unwinnableBits, minimumTimestamp: 0) },
                      transfers: { _, _ in [] },
                      submit: { _ in .duplicate })
    let (tips, tipSink) = AsyncStream<Hash256>.makeStream()
    let (changes, changeSink) = AsyncStream<Void>.makeStream()
    return await withTaskGroup(of: Void.self) { group in
        group.addTask { await miner.run(tips: tips, mempoolChanges: changes) }
        // Every worker has finished a few chunks: the window sees steady state.
        while miner.stats.totalHashes < UInt64(threads * 4) << 16 {
            try? await Task.sleep(for: .milliseconds(1))
        }
        benchmark?.startMeasurement()
        let hashes0 = miner.stats.totalHashes
        let wall0 = Now.wall()
        let cpu0 = Now.processCPU()
        try? await Task.sleep(nanoseconds: UInt64(ns))
        let hashes = Int(miner.stats.totalHashes - hashes0)
        let wall = Now.wall() - wall0
        let cpu = Now.processCPU() - cpu0
        benchmark?.stopMeasurement()
        group.cancelAll()
        tipSink.finish()
        changeSink.finish()
        await group.waitForAll()
        return (perSecond(hashes, ns: wall), perSecond(hashes, ns: cpu))
    }
}

private func registerMinerLimit() {
    let M = LimitMetric.self
    let rates = [M.kernel1, M.miner1, M.miner2]
    let units = Dictionary(uniqueKeysWithValues: rates.map { ($0, BenchmarkUnits.kilo) })
    // One iteration: kernel 1 thread, Miner 1 thread (the measured window, so
    // the malloc count is the hash loop's), Miner 2 threads, kernel 2 threads.
    Benchmark("Limit.miner",
              configuration: M.configuration(rates + [M.miner1VsKernelWall, M.miner1VsKernelCPU, M.miner2VsMiner1,
                                                      M.kernel2VsKernel1, M.miner2Cores, M.miner2VsMiner1CPU,
                                                      M.miner2VsKernel2],
                                             units: units, maxDuration: .seconds(12))) { benchmark in
        await recordingOthersLoad(benchmark) { await minerIteration(benchmark) }
    }
}

private func minerIteration(_ benchmark: Benchmark) async {
    let M = LimitMetric.self
    let kernel1 = await kernelRate(threads: 1, ns: minerWindowNs)
    let miner1 = await minerRate(threads: 1, ns: minerWindowNs, measuring: benchmark)
    let miner2 = await minerRate(threads: 2, ns: minerWindowNs)
    let kernel2 = await kernelRate(threads: 2, ns: minerWindowNs)
    record(benchmark, M.kernel1, kernel1.wall)
    record(benchmark, M.miner1, miner1.wall)
    record(benchmark, M.miner2, miner2.wall)
    record(benchmark, M.miner1VsKernelWall, 100 * miner1.wall / kernel1.wall)
    record(benchmark, M.miner1VsKernelCPU, 100 * miner1.cpu / kernel1.cpu)
    record(benchmark, M.miner2VsMiner1, 100 * miner2.wall / miner1.wall)
    record(benchmark, M.kernel2VsKernel1, 100 * kernel2.wall / kernel1.wall)
    record(benchmark, M.miner2Cores, 100 * miner2.wall / miner2.cpu)
    record(benchmark, M.miner2VsMiner1CPU, 100 * miner2.cpu / miner1.cpu)
    record(benchmark, M.miner2VsKernel2, 100 * miner2.wall / kernel2.wall)
}

// MARK: - Raw libsecp256k1 reference

/// Shared by the threads of the all-cores reference.
private final class Counter: Sendable {
    let next = Atomic<Int>(0)
    let verified = Atomic<Int>(0)
}

/// The raw libsecp256k1 rates on the fixture's signatures.
struct RawRates {
    /// secp256k1_ecdsa_verify on pre-parsed keys and signatures, one thread,
    /// per CPU second: the strictest "raw verifications/s".
    var oneCore: Double
    /// The same on every core at once, per wall second: what the machine
    /// gives right now (other sessions' load included).
    var allCores: Double
    /// Parse key + parse signature + verify on every core, per wall second:
    /// the floor for keys never seen before (every transfer of these fixtures).
    var allCoresWithParse: Double
    /// Parse key + parse signature + verify, one thread, per CPU second: the
    /// loop of libsecp256k1's own `ecdsa_verify` benchmark.
    var oneCoreWithParse: Double
}

/// `verify(i)` for every i on every core at once (batches of 16 from a
/// shared counter); the wall-clock rate.
private func onAllCores(_ count: Int, _ verify: @escaping @Sendable (Int) -> Bool) async -> Double {
    let counter = Counter()
    let wall0 = Now.wall()
    await onThreads(Machine.cores) { _ in
        var verified = 0
        while true {
            let start = counter.next.wrappingAdd(16, ordering: .relaxed).oldValue
            guard start < count else { break }
            for i in start..<min(start + 16, count) where verify(i) { verified += 1 }
        }
        counter.verified.wrappingAdd(verified, ordering: .relaxed)
    }
    let wall = Now.wall() - wall0
    precondition(counter.verified.load(ordering: .relaxed) == count, "a reference signature did not verify")
    return perSecond(count, ns: wall)
}

/// The four raw references, each on new threads; `mirrored` runs them in
/// the opposite order.
private func rawReference(_ parsed: ParsedSignatures, mirrored: Bool = false) async -> RawRates {
    let count = parsed.count
    let loops: [@Sendable () async -> Double] = [
        { await onOneCore(count) { parsed.verify($0) } },
        { await onOneCore(count) { parsed.parseAndVerify($0) } },
        { await onAllCores(count) { parsed.verify($0) } },
        { await onAllCores(count) { parsed.parseAndVerify($0) } },
    ]
    var rates = [Double](repeating: 0, count: loops.count)
    for i in mirrored ? Array(loops.indices.reversed()) : Array(loops.indices) { rates[i] = await loops[i]() }
    return RawRates(oneCore: rates[0], allCores: rates[2], allCoresWithParse: rates[3], oneCoreWithParse: rates[1])
}

/// Runs `body` between two runs of the raw references, the second in
/// mirrored order, and returns the references' mean: each one's two runs
/// are then centred on `body`, so a machine whose speed drifts during the
/// iteration (a shared host) moves the reference and the node's path alike.
private func bracketedByRawReference<T>(_ parsed: ParsedSignatures,
                                        _ body: () async throws -> T) async rethrows -> (T, RawRates) {
    let before = await rawReference(parsed)
    let result = try await body()
    let after = await rawReference(parsed, mirrored: true)
    return (result, RawRates(oneCore: (before.oneCore + after.oneCore) / 2,
                             allCores: (before.allCores + after.allCores) / 2,
                             allCoresWithParse: (before.allCoresWithParse + after.allCoresWithParse) / 2,
                             oneCoreWithParse: (before.oneCoreWithParse + after.oneCoreWithParse) / 2))
}

/// `verify(i)` for every i on one new thread; the rate per CPU second of that thread.
private func onOneCore(_ count: Int, _ verify: @escaping @Sendable (Int) -> Bool) async -> Double {
    let rate = Shared(0.0)
    await onThreads(1) { _ in
        var verified = 0
        let cpu0 = Now.threadCPU()
        for i in 0..<count where verify(i) { verified += 1 }
        let perCPUSecond = perSecond(count, ns: Now.threadCPU() - cpu0)
        precondition(verified == count, "a reference signature did not verify")
        rate.update { $0 = perCPUSecond }
    }
    return rate.value
}

/// Records a parallel path's rate against the raw references: `items` in
/// `ns` of wall time and `cpuNs` of process CPU time.
private func recordVersusRaw(_ benchmark: Benchmark, items: Int, ns: Int, cpuNs: Int, raw: RawRates) {
    let M = LimitMetric.self
    let rate = perSecond(items, ns: ns)
    record(benchmark, M.rate, rate)
    record(benchmark, M.rawOneCore, raw.oneCore)
    record(benchmark, M.rawAllCores, raw.allCores)
    record(benchmark, M.rawAllCoresWithParse, raw.allCoresWithParse)
    record(benchmark, M.versusCoresTimesRaw, 100 * rate / (Double(Machine.cores) * raw.oneCore))
    record(benchmark, M.versusRawAllCores, 100 * rate / raw.allCores)
    record(benchmark, M.versusRawAllCoresWithParse, 100 * rate / raw.allCoresWithParse)
    record(benchmark, M.rawOneCoreWithParse, raw.oneCoreWithParse)
    record(benchmark, M.versusCoresTimesRawWithParse, 100 * rate / (Double(Machine.cores) * raw.oneCoreWithParse))
    record(benchmark, M.perCPUVersusRaw, 100 * perSecond(items, ns: cpuNs) / raw.oneCore)
    record(benchmark, M.coresUsed, 100 * Double(cpuNs) / Double(ns))
}

// MARK: - Validation

/// What ChainActor runs before it stores a block: header (proof of work and
/// context), sanity and signatures together through `verifier`, then connect.
private func validate(_ fixture: LimitFixture, verifier: ParallelSignatureVerifier,
                      state: inout AccountState) async throws(ValidationError) {
    let block = fixture.block
    try HeaderValidator.check(block.header, fixture.context, params: fixture.params)
    try await verifier.checkSanityAndSignatures(of: block, params: fixture.params)
    blackHole(try state.connect(block, params: fixture.params))
}

/// Wall-clock and process CPU nanoseconds of one validation.
private func timedValidation(_ fixture: LimitFixture, cache: SignatureCache,
                             measuring benchmark: Benchmark? = nil) async throws(ValidationError) -> (ns: Int, cpuNs: Int) {
    let verifier = ParallelSignatureVerifier(cache: cache, workers: Machine.cores)
    var state = fixture.state
    makeUnique(&state)
    benchmark?.startMeasurement()
    let wall0 = Now.wall()
    let cpu0 = Now.processCPU()
    try await validate(fixture, verifier: verifier, state: &state)
    let ns = Now.wall() - wall0
    let cpu = Now.processCPU() - cpu0
    benchmark?.stopMeasurement()
    return (ns, cpu)
}

private func registerValidationLimits() {
    let M = LimitMetric.self
    let versusRaw = M.versusRaw

    // A block of 2,000 transfers nobody has seen: every signature is verified,
    // in parallel on every core.
    Benchmark("Limit.validateFresh2000",
              configuration: M.configuration(versusRaw, maxDuration: .seconds(8))) { benchmark in
        await onCorePool(benchmark) {
            let fixture = try LimitFixture.shared2000.get()
            let (run, raw) = try await bracketedByRawReference(fixture.parsed) {
                try await timedValidation(fixture, cache: SignatureCache(), measuring: benchmark)
            }
            recordVersusRaw(benchmark, items: fixture.transfers.count, ns: run.ns, cpuNs: run.cpuNs, raw: raw)
        }
    }

    // The same block after its transfers went through the mempool: every
    // signature is in the cache. Compared with a fresh validation in the same iteration.
    Benchmark("Limit.validateWarm2000",
              configuration: M.configuration(versusRaw + [M.freshRate, M.warmVersusFresh],
                                             maxDuration: .seconds(8))) { benchmark in
        await onCorePool(benchmark) {
            let fixture = try LimitFixture.shared2000.get()
            let ((fresh, warm), raw) = try await bracketedByRawReference(fixture.parsed) {
                let fresh = perSecond(fixture.transfers.count,
                                      ns: try await timedValidation(fixture, cache: SignatureCache()).ns)
                return (fresh, try await timedValidation(fixture, cache: fixture.warmCache, measuring: benchmark))
            }
            recordVersusRaw(benchmark, items: fixture.transfers.count, ns: warm.ns, cpuNs: warm.cpuNs, raw: raw)
            record(benchmark, M.freshRate, fresh)
            record(benchmark, M.warmVersusFresh, 100 * perSecond(fixture.transfers.count, ns: warm.ns) / fresh)
        }
    }
}

/// Runs `body` with `CorePool.shared` as its task executor; an error fails the benchmark.
func onCorePool(_ benchmark: Benchmark, _ body: () async throws -> Void) async {
    await recordingOthersLoad(benchmark) { await onCorePoolUnrecorded(benchmark, body) }
}

func onCorePoolUnrecorded(_ benchmark: Benchmark, _ body: () async throws -> Void) async {
    do {
        if ProcessInfo.processInfo.environment["OBOL_BENCH_EXECUTOR"] == "global" {
            try await body()
            return
        }
        try await withTaskExecutorPreference(CorePool.shared) { try await body() }
    } catch {
        benchmark.error("\(benchmark.name) failed: \(error)")
    }
}

// MARK: - Mempool

private func registerMempoolLimit() {
    // 2,000 transfers from 2,000 funded senders submitted at once to a new
    // MempoolActor whose accounts come from a real ChainActor: one task each.
    registerAdmission("Limit.mempool2000") { mempool, transfers in
        await withTaskGroup(of: Bool.self) { group in
            for transfer in transfers {
                group.addTask {
                    if case .success = await mempool.submit(transfer) { return true }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }
    // The same 2,000 transfers in one `submit(contentsOf:)`, as a peer's relay
    // message brings them: checked on every core, admitted in one actor call.
    registerAdmission("Limit.mempoolBatch2000") { mempool, transfers in
        await mempool.submit(contentsOf: transfers, workers: Machine.cores)
            .filter { if case .success = $0 { true } else { false } }.count
    }
}

/// A benchmark of `admit` (which returns how many transfers it got
/// accepted) on a new MempoolActor, against the raw references.
private func registerAdmission(_ name: String,
                               admit: @escaping @Sendable (MempoolActor, [Transfer]) async -> Int) {
    let M = LimitMetric.self
    Benchmark(name, configuration: M.configuration(M.versusRaw, maxDuration: .seconds(8))) { benchmark in
        await onCorePool(benchmark) {
            let fixture = try LimitFixture.shared2000.get()
            let mempool = MempoolActor(params: fixture.params, accounts: fixture.chain)
            let ((accepted, ns, cpu), raw) = await bracketedByRawReference(fixture.parsed) {
                benchmark.startMeasurement()
                let wall0 = Now.wall()
                let cpu0 = Now.processCPU()
                let accepted = await admit(mempool, fixture.transfers)
                let ns = Now.wall() - wall0
                let cpu = Now.processCPU() - cpu0
                benchmark.stopMeasurement()
                return (accepted, ns, cpu)
            }
            guard accepted == fixture.transfers.count else {
                benchmark.error("the mempool accepted \(accepted) of \(fixture.transfers.count) transfers")
                return
            }
            recordVersusRaw(benchmark, items: accepted, ns: ns, cpuNs: cpu, raw: raw)
        }
    }
}

// MARK: - Chain import

/// The chain validated in memory, block by block, with the stages and
/// bookkeeping ChainActor runs (decode, block tree context, header, sanity,
/// parallel signatures with a cold cache, connect) but no actor and no store.
private func validateInMemory(_ chain: ImportChain) async throws -> Int {
    let params = chain.params
    let genesis = params.genesisBlock
    var tree = BlockTree(genesis: BlockIndexEntry(hash: genesis.hash, header: genesis.header,
                                                  chainWork: genesis.header.bits.target?.workForTarget ?? .one,
                                                  status: .valid))
    var state = AccountState(genesis: params)
    let verifier = ParallelSignatureVerifier(cache: SignatureCache(), workers: Machine.cores)
    let now = SystemClock().now()
    let wall0 = Now.wall()
    for bytes in chain.encodedBlocks {
        let block = try Block(decoding: bytes)
        let hash = block.hash
        let parentHash = block.header.previousHash
        guard let parent = tree.entry(parentHash),
              let context = tree.context(forChildOf: parentHash, now: now, params: params)
        else { throw ValidationError.merkleRootMismatch }
        try HeaderValidator.check(block.header, context, params: params)
        try await verifier.checkSanityAndSignatures(of: block, params: params)
        blackHole(try state.connect(block, params: params))
        tree.insert(BlockIndexEntry(hash: hash, header: block.header,
                                    chainWork: parent.chainWork + (block.header.bits.target?.workForTarget ?? .one),
                                    status: .valid))
        tree.connect(hash)
    }
    return Now.wall() - wall0
}

/// What sync is compared with: a fresh node (`SQLiteChainStore` in a new temporary directory, `ChainActor`
/// with `ParallelSignatureVerifier` on every core and an empty cache) handed `chain` block by block as sync
/// would (`Block(decoding:)`, then `ChainActor.submit`), then `flush()`, so the whole chain is durable when the
/// clock stops. Returns wall and process CPU nanoseconds; `benchmark`, when given, measures the same region.
func timedImport(_ chain: ImportChain, measuring benchmark: Benchmark? = nil) async throws -> (ns: Int, cpuNs: Int) {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("obol-bench-import-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteChainStore(dataDirectory: directory)
    let node = try ChainActor(params: chain.params, store: store,
                              verifier: ParallelSignatureVerifier(cache: SignatureCache(), workers: Machine.cores))
    benchmark?.startMeasurement()
    let wall0 = Now.wall()
    let cpu0 = Now.processCPU()
    for (i, bytes) in chain.encodedBlocks.enumerated() {
        let block = try Block(decoding: bytes)
        let result = await node.submit(block)
        guard case .connected = result else { throw ImportFailure(description: "block \(i + 1) was not connected: \(result)") }
    }
    // ChainActor writes tip moves behind (in batches): the last ones are
    // durable only after flush, so it is part of the import.
    try await node.flush()
    let ns = Now.wall() - wall0
    let cpu = Now.processCPU() - cpu0
    benchmark?.stopMeasurement()
    return (ns, cpu)
}

struct ImportFailure: Error, CustomStringConvertible {
    var description: String
}

private func registerImportLimit() {
    let M = LimitMetric.self
    let blocks = ImportChain.configuredBlocks
    // A fresh node (SQLiteChainStore in a new temporary directory, parallel
    // verifier with an empty cache) handed the chain block by block as sync
    // would: decode, ChainActor.submit. Compared in each iteration with the
    // same chain validated in memory.
    Benchmark("Limit.import\(blocks)x100",
              configuration: M.configuration([M.blocksPerSecond, M.importRate, M.validationRate,
                                              M.importVersusValidation, M.coresUsed],
                                             maxDuration: .seconds(blocks >= 3_000 ? 300 : 60),
                                             maxIterations: 3, warmupIterations: 0)) { benchmark, chain in
        await onCorePool(benchmark) {
            let validationNs = try await validateInMemory(chain)
            let (ns, cpu) = try await timedImport(chain, measuring: benchmark)
            record(benchmark, M.coresUsed, 100 * Double(cpu) / Double(ns))
            let importRate = perSecond(chain.transferCount, ns: ns)
            let validationRate = perSecond(chain.transferCount, ns: validationNs)
            record(benchmark, M.blocksPerSecond, perSecond(chain.encodedBlocks.count, ns: ns))
            record(benchmark, M.importRate, importRate)
            record(benchmark, M.validationRate, validationRate)
            record(benchmark, M.importVersusValidation, 100 * importRate / validationRate)
        }
    } setup: {
        ImportChain.shared
    }
}

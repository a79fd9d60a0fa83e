// The "Limit.sync*" benchmarks: a fresh node syncs the import benchmark's chain from seed nodes over
// loopback TCP with Noise, measured side by side with the local import of the same chain in the same
// iteration (see docs/BENCHMARKS.md, "Sync over TCP").
import Benchmark
import CBenchSupport
import Foundation
import Logging
import ObolCore
import ObolNode
import ObolP2P
import ObolStore
import ObolWire

enum SyncMetric {
    static let blocksPerSecond = LimitMetric.larger("Sync (blocks/s, wall)")
    static let syncRate = LimitMetric.larger("Sync (transfers/s, wall)")
    static let importRate = LimitMetric.larger("Import, same iteration (transfers/s, wall)")
    static let syncVersusImport = LimitMetric.larger("Sync / import (%)")
    /// Process CPU (the syncing node, the seeds, the event loops) over the import's process CPU.
    static let cpuVersusImport = smaller("Sync CPU / import CPU (%)")
    // Where the CPU went while syncing, in % of one core over the sync's wall time.
    static let cpuNode = smaller("CPU, syncing node's pool (% of a core)")
    static let cpuSeeds = smaller("CPU, seed nodes' pool (% of a core)")
    static let cpuEventLoops = smaller("CPU, NIO event loops (% of a core)")
    static let cpuOther = smaller("CPU, other threads (% of a core)")
    /// Time threads were runnable but waited for a CPU (schedstat), in % of one core.
    static let runnableWaiting = smaller("Runnable, waiting for a CPU (% of a core)")
    /// Bytes received from the seeds (frames, all messages) over the chain's block frames: above 100 by the
    /// headers and the protocol's small messages, far above it when blocks are downloaded twice.
    static let bytesReceived = smaller("Bytes received / chain's block frames (%)")

    static func smaller(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersSmaller, useScalingFactor: false)
    }

    static let all = [blocksPerSecond, syncRate, importRate, syncVersusImport, cpuVersusImport, LimitMetric.coresUsed,
                      cpuNode, cpuSeeds, cpuEventLoops, cpuOther, runnableWaiting, bytesReceived]
}

func registerSyncBenchmarks() {
    let blocks = ImportChain.configuredBlocks
    registerSync(blocks: blocks, peers: 1)
    registerSync(blocks: blocks, peers: 4)
    registerSyncMemory(blocks: blocks)
}

/// `Limit.sync<N>x100from<P>`: a fresh node (SQLite store in a new temporary directory, as the import's)
/// syncs the chain from `peers` seeds, from `Node.run()` until its tip is the seeds' tip and the chain is
/// flushed. Each iteration runs the local import before and after it (`timedImport`, mirrored) and compares
/// with their mean.
private func registerSync(blocks: Int, peers: Int) {
    let M = SyncMetric.self
    Benchmark("Limit.sync\(blocks)x100from\(peers)",
              configuration: LimitMetric.configuration(M.all, maxDuration: .seconds(blocks >= 3_000 ? 300 : 90),
                                                       maxIterations: SyncTuning.iterations ?? 5,
                                                       warmupIterations: 0)) { benchmark, seeds in
        await onCorePool(benchmark) {
            // OBOL_BENCH_SYNC_ONLY=1 skips the imports (for profiling the sync alone; no ratio then).
            let syncOnly = ProcessInfo.processInfo.environment["OBOL_BENCH_SYNC_ONLY"] != nil
            let before = syncOnly ? (ns: 1, cpuNs: 1) : try await timedImport(seeds.chain)
            let sync = try await timedSync(seeds, peers: peers, measuring: benchmark)
            let after = syncOnly ? (ns: 1, cpuNs: 1) : try await timedImport(seeds.chain)
            let importNs = (before.ns + after.ns) / 2
            let importCPU = (before.cpuNs + after.cpuNs) / 2
            let transfers = seeds.chain.transferCount
            let syncRate = perSecond(transfers, ns: sync.ns)
            let importRate = perSecond(transfers, ns: importNs)
            record(benchmark, M.blocksPerSecond, perSecond(seeds.chain.encodedBlocks.count, ns: sync.ns))
            record(benchmark, M.syncRate, syncRate)
            if !syncOnly {
                record(benchmark, M.importRate, importRate)
                record(benchmark, M.syncVersusImport, 100 * syncRate / importRate)
                record(benchmark, M.cpuVersusImport, 100 * Double(sync.cpuNs) / Double(importCPU))
            }
            record(benchmark, LimitMetric.coresUsed, 100 * Double(sync.cpuNs) / Double(sync.ns))
            let percentOfCore = { (ns: Int) in 100 * Double(ns) / Double(sync.ns) }
            record(benchmark, M.cpuNode, percentOfCore(sync.threads.node))
            record(benchmark, M.cpuSeeds, percentOfCore(sync.threads.seeds))
            record(benchmark, M.cpuEventLoops, percentOfCore(sync.threads.eventLoops))
            record(benchmark, M.cpuOther, percentOfCore(max(0, sync.cpuNs - sync.threads.node - sync.threads.seeds
                                                                 - sync.threads.eventLoops)))
            record(benchmark, M.runnableWaiting, percentOfCore(sync.threads.waiting))
            record(benchmark, M.bytesReceived, 100 * Double(sync.bytesReceived) / Double(seeds.chainFrameBytes))
        }
    } setup: {
        try await SyncSeeds.shared(blocks: blocks)
    }
}

// MARK: - Seeds

/// Four nodes that hold the import chain (in-memory stores), listening on 127.0.0.2…5. Built once per
/// process, outside every measured region, and left running for the process's lifetime on a pool of their
/// own ("obol-seed-*" threads), apart from the syncing node's `CorePool`.
final class SyncSeeds: Sendable {
    static let hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
    /// Where the syncing node listens.
    static let syncHost = "127.0.0.9"
    static let pool = CorePool(threads: Machine.cores, name: "obol-seed")

    let chain: ImportChain
    let tip: Hash256
    let endpoints: [PeerEndpoint]
    let nodes: [Node]
    /// The chain's blocks as `block` frames (frame header + block), in bytes.
    var chainFrameBytes: Int { chain.encodedBlocks.reduce(0) { $0 + Message.frameHeaderSize + $1.count } }

    private init(chain: ImportChain, tip: Hash256, endpoints: [PeerEndpoint], nodes: [Node]) {
        self.chain = chain
        self.tip = tip
        self.endpoints = endpoints
        self.nodes = nodes
    }

    private static let cache = SeedCache()

    static func shared(blocks: Int) async throws -> SyncSeeds {
        try await cache.seeds(blocks: blocks)
    }

    private actor SeedCache {
        var made: [Int: SyncSeeds] = [:]

        func seeds(blocks: Int) async throws -> SyncSeeds {
            if let seeds = made[blocks] { return seeds }
            let seeds = try await SyncSeeds.make(blocks: blocks)
            made[blocks] = seeds
            return seeds
        }
    }

    private static func make(blocks: Int) async throws -> SyncSeeds {
        precondition(blocks == ImportChain.configuredBlocks, "the seeds hold the shared chain")
        let chain = ImportChain.shared
        let decoded = try chain.encodedBlocks.map { try Block(decoding: $0) }
        var nodes: [Node] = []
        var endpoints: [PeerEndpoint] = []
        for host in hosts {
            var configuration = NodeConfiguration(params: chain.params, logger: quietLogger("obol.seed.\(host)"))
            configuration.peers.maxOutbound = 0  // seeds only answer
            let transport = try await TCPPeerTransport.bind(
                host: host, port: 0, configuration: P2PConfiguration(params: chain.params, staticKey: NoiseKeyPair()))
            let node = try Node(configuration: configuration, store: MemoryChainStore(), transport: transport)
            // The blocks' signatures are marked verified first: a seed's chain is built in seconds.
            for (i, block) in decoded.enumerated() {
                node.signatureCache.insert(contentsOf: Array(block.transfers))
                guard case .connected = await node.chain.submit(block) else {
                    throw ImportFailure(description: "seed \(host): block \(i + 1) was not connected")
                }
            }
            try await node.chain.flush()
            // Runs until the process exits (the benchmark tool runs each benchmark to completion first).
            Task(executorPreference: pool) { try? await node.run() }
            nodes.append(node)
            endpoints.append(transport.listenEndpoint!)
        }
        return SyncSeeds(chain: chain, tip: decoded.last!.hash, endpoints: endpoints, nodes: nodes)
    }
}

func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    // OBOL_BENCH_LOG=info (or debug, …) shows the nodes' logs. Not by default: a node that is cancelled
    // logs its peer layer's CancellationError as an error.
    logger.logLevel = ProcessInfo.processInfo.environment["OBOL_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:))
        ?? .critical
    return logger
}

// MARK: - One sync

/// Experiments, not defaults: OBOL_BENCH_SYNC_WINDOW (`PeerManagerConfiguration.downloadWindow`),
/// OBOL_BENCH_SYNC_INFLIGHT (`blocksInFlightPerPeer`) and OBOL_BENCH_SYNC_WAITING
/// (`ChainOptions.waitingBodyCapacity`) change the syncing node's settings. Unset, the node runs with the
/// shipped defaults.
enum SyncTuning {
    /// OBOL_BENCH_SYNC_ITERATIONS: iterations at most (default 5, within the time limit).
    static var iterations: Int? { ProcessInfo.processInfo.environment["OBOL_BENCH_SYNC_ITERATIONS"].flatMap(Int.init) }

    static func apply(to configuration: inout NodeConfiguration) {
        let environment = ProcessInfo.processInfo.environment
        if let window = environment["OBOL_BENCH_SYNC_WINDOW"].flatMap(Int.init) { configuration.peers.downloadWindow = window }
        if let inFlight = environment["OBOL_BENCH_SYNC_INFLIGHT"].flatMap(Int.init) {
            configuration.peers.blocksInFlightPerPeer = inFlight
        }
        if let waiting = environment["OBOL_BENCH_SYNC_WAITING"].flatMap(Int.init) {
            configuration.chain.waitingBodyCapacity = waiting
        }
    }
}

struct SyncRun {
    var ns: Int
    var cpuNs: Int
    var threads: ThreadCPU.Split
    var bytesReceived: Int
}

struct SyncTimeout: Error, CustomStringConvertible {
    var description: String
}

/// A fresh node on 127.0.0.9 with a new SQLite store syncs from the first `peers` seeds. The clock runs from
/// `Node.run()` (which dials the seeds) until the tip is the seeds' tip and `flush()` has returned.
func timedSync(_ seeds: SyncSeeds, peers: Int, measuring benchmark: Benchmark? = nil) async throws -> SyncRun {
    let params = seeds.chain.params
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-bench-sync-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteChainStore(dataDirectory: directory)
    var configuration = NodeConfiguration(params: params, verificationThreads: Machine.cores,
                                          logger: quietLogger("obol.sync"))
    configuration.peers = PeerManagerConfiguration(staticPeers: Array(seeds.endpoints.prefix(peers)))
    configuration.peers.maxOutbound = peers
    SyncTuning.apply(to: &configuration)
    let transport = try await TCPPeerTransport.bind(host: SyncSeeds.syncHost, port: 0,
                                                    configuration: P2PConfiguration(params: params, staticKey: NoiseKeyPair()))
    let detail = ProcessInfo.processInfo.environment["OBOL_BENCH_SYNC_DETAIL"] != nil
    let arrivals = ArrivalLog()
    let tipBox = Shared<ChainActor?>(nil)
    let counted: any PeerTransport = detail ? CountingTransport(base: transport) { block in
        arrivals.add(height: block.height, tip: await tipBox.value?.tip.height ?? 0)
    } : transport
    let node = try Node(configuration: configuration, store: store, transport: counted)
    tipBox.update { $0 = node.chain }
    let target = seeds.tip
    let tips = node.chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> Hash256? in
        if case let .tipChanged(tip) = event { tip.hash } else { nil }
    }
    let timeout = Duration.seconds(max(120, seeds.chain.encodedBlocks.count / 10))
    return try await withThrowingTaskGroup(of: Bool.self) { group in
        benchmark?.startMeasurement()
        let threads0 = ThreadCPU.snapshot()
        let wall0 = Now.wall()
        let cpu0 = Now.processCPU()
        group.addTask {
            try await node.run()
            return false
        }
        group.addTask {
            for await hash in tips where hash == target { return true }
            return false
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw SyncTimeout(description: "no tip after \(timeout): at \(await node.chain.tip.height)")
        }
        // OBOL_BENCH_SYNC_DETAIL: bodies held in memory unvalidated (orphans and waiting), sampled every 5 ms.
        let held = Shared((max: 0, sum: 0, samples: 0))
        if detail {
            group.addTask {
                while !Task.isCancelled {
                    let count = await node.chain.orphanCount
                    held.update { $0 = (max($0.max, count), $0.sum + count, $0.samples + 1) }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return false
            }
        }
        defer { group.cancelAll() }
        guard try await group.next() == true else {
            throw SyncTimeout(description: "the node stopped at \(await node.chain.tip.height)")
        }
        try await node.chain.flush()
        let ns = Now.wall() - wall0
        let cpu = Now.processCPU() - cpu0
        let threads = ThreadCPU.snapshot().split(since: threads0)
        benchmark?.stopMeasurement()
        let summaries = await node.peers!.peers()
        let run = SyncRun(ns: ns, cpuNs: cpu, threads: threads,
                          bytesReceived: summaries.reduce(0) { $0 + Int($1.bytesReceived) })
        if detail {
            let h = held.value
            FileHandle.standardError.write(Data("bodies held unvalidated: max \(h.max), mean \(h.sum / max(1, h.samples))\n".utf8))
            FileHandle.standardError.write(Data("\(arrivals.summary)\n".utf8))
            FileHandle.standardError.write(Data("""
                sync from \(peers): \(ns / 1_000_000) ms, cpu \(cpu / 1_000_000) ms, \(threads), \
                received \(summaries.map { "\($0.address) \($0.bytesReceived / 1_000) kB" }) of \(seeds.chainFrameBytes / 1_000) kB\n
                """.utf8))
            for (name, ns) in ThreadCPU.snapshot().byName(since: threads0) {
                FileHandle.standardError.write(Data("  \(name): run \(ns.run / 1_000_000) ms, wait \(ns.wait / 1_000_000) ms\n".utf8))
            }
        }
        return run
    }
}

// MARK: - Process measurements (Linux)

/// Run and wait times of this process's threads, from /proc/self/task/*/schedstat (nanoseconds).
struct ThreadCPU {
    struct Times {
        var run = 0
        var wait = 0
    }

    /// By thread id: the thread's name and its times.
    var threads: [Int: (name: String, times: Times)] = [:]

    static func snapshot() -> ThreadCPU {
        var out = ThreadCPU()
        guard let ids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return out }
        for id in ids {
            guard let tid = Int(id),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(id)/schedstat", encoding: .utf8),
                  let name = try? String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8)
            else { continue }
            let fields = stat.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count >= 2 else { continue }
            out.threads[tid] = (name.trimmingCharacters(in: .whitespacesAndNewlines), Times(run: fields[0], wait: fields[1]))
        }
        return out
    }

    /// The CPU time of each group of threads since `earlier` (threads that ended meanwhile are missing).
    struct Split: CustomStringConvertible {
        var node = 0
        var seeds = 0
        var eventLoops = 0
        var waiting = 0

        var description: String {
            "node pool \(node / 1_000_000) ms, seed pool \(seeds / 1_000_000) ms, event loops \(eventLoops / 1_000_000) ms, "
                + "waiting for a CPU \(waiting / 1_000_000) ms"
        }
    }

    func split(since earlier: ThreadCPU) -> Split {
        var split = Split()
        for (name, times) in byName(since: earlier) {
            if name.hasPrefix("obol-pool") { split.node += times.run }
            else if name.hasPrefix("obol-seed") { split.seeds += times.run }
            else if name.hasPrefix("NIO-") { split.eventLoops += times.run }
            split.waiting += times.wait
        }
        return split
    }

    /// Times since `earlier`, summed by thread name, largest first.
    func byName(since earlier: ThreadCPU) -> [(String, Times)] {
        var out: [String: Times] = [:]
        for (tid, thread) in threads {
            let before = earlier.threads[tid]?.times ?? Times()
            out[thread.name, default: Times()].run += thread.times.run - before.run
            out[thread.name, default: Times()].wait += thread.times.wait - before.wait
        }
        return out.sorted { $0.value.run > $1.value.run }.map { ($0.key, $0.value) }
    }
}

enum Memory {
    /// VmRSS of this process, in bytes (0 where /proc is missing).
    static func residentBytes() -> Int { status("VmRSS:") }

    /// VmHWM (the peak of VmRSS) of this process, in bytes.
    static func peakResidentBytes() -> Int { status("VmHWM:") }

    private static func status(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        let kB = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kB * 1024
    }

    /// Bytes the C allocator has handed out and not had back (glibc's `mallinfo2`: in-use chunks and
    /// mmapped blocks), whatever pages it keeps for reuse.
    static func heapBytes() -> Int { obol_bench_heap_in_use() }
}

// MARK: - Memory, in a process of its own

/// `Limit.sync<N>x100memory`: what a node that has synced the chain holds, read from a process that is
/// nothing but that node (the seeds and the benchmark's fixtures live in this one). The benchmark binary
/// starts itself with `OBOL_BENCH_SYNC_CHILD` set; the child runs a fresh node (SQLite store in a new
/// temporary directory, on `CorePool`) that syncs from one seed, flushes, reads its own /proc/self/status
/// and glibc's heap count, prints them and exits.
private func registerSyncMemory(blocks: Int) {
    let M = SyncChild.Metric.self
    Benchmark("Limit.sync\(blocks)x100memory",
              configuration: LimitMetric.configuration(M.all, maxDuration: .seconds(blocks >= 3_000 ? 240 : 60),
                                                       maxIterations: 3, warmupIterations: 0)) { benchmark, seeds in
        await recordingOthersLoad(benchmark) {
            do {
                benchmark.startMeasurement()
                let report = try await SyncChild.spawn(seeds: seeds, peers: 1)
                benchmark.stopMeasurement()
                record(benchmark, M.rss, Double(report.rss) / 1e6)
                record(benchmark, M.peak, Double(report.peak) / 1e6)
                record(benchmark, M.heap, Double(report.heap) / 1e6)
                record(benchmark, M.rssStart, Double(report.rssStart) / 1e6)
                record(benchmark, M.blocksPerSecond, perSecond(seeds.chain.encodedBlocks.count, ns: report.ns))
            } catch {
                benchmark.error("\(benchmark.name) failed: \(error)")
            }
        }
    } setup: {
        try await SyncSeeds.shared(blocks: blocks)
    }
}

enum SyncChild {
    static let variable = "OBOL_BENCH_SYNC_CHILD"

    enum Metric {
        static let rss = SyncMetric.smaller("RSS at the tip (MB)")
        static let peak = SyncMetric.smaller("Peak RSS, VmHWM (MB)")
        static let heap = SyncMetric.smaller("Heap in use at the tip (MB)")
        static let rssStart = SyncMetric.smaller("RSS before the node is made (MB)")
        static let blocksPerSecond = LimitMetric.larger("Sync in its own process (blocks/s, wall)")
        static let all = [rss, peak, heap, rssStart, blocksPerSecond]
    }

    struct Report: Codable, Sendable {
        var ns: Int
        var rssStart: Int
        var rss: Int
        var peak: Int
        var heap: Int
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts this binary as a syncing node for the first `peers` seeds and returns what it reports.
    static func spawn(seeds: SyncSeeds, peers: Int) async throws -> Report {
        let assignment = "\(variable)=" + seeds.endpoints.prefix(peers).map(\.description).joined(separator: ",")
            + ";\(seeds.chain.encodedBlocks.count)"
        var readEnd: Int32 = -1
        let pid = obol_bench_spawn_self(assignment, &readEnd)
        guard pid > 0 else { throw Failure(description: "could not start the child: errno \(errno)") }
        let fd = readEnd
        let outcome = Shared((output: [UInt8](), status: Int32(-1)))
        // Blocking reads and waitpid on a thread of their own, off the Swift pools.
        await onThreads(1) { _ in
            var output = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 { output += buffer[..<count] } else if count == 0 || errno != EINTR { break }
            }
            close(fd)
            let status = obol_bench_wait(pid)
            outcome.update { $0 = (output, status) }
        }
        let (output, status) = outcome.value
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        guard status == 0, let last = lines.last,
              let report = try? JSONDecoder().decode(Report.self, from: Data(last.utf8))
        else { throw Failure(description: "the child exited with \(status): \(lines.suffix(5))") }
        return report
    }

    /// In the child (`OBOL_BENCH_SYNC_CHILD` set: "HOST:PORT,…;HEIGHT"): syncs, prints the report as one line
    /// of JSON and exits. Called before the benchmarks are registered; returns at once in the parent.
    static func runIfRequested() {
        guard let spec = ProcessInfo.processInfo.environment[variable] else { return }
        obol_bench_die_with_parent()
        let parts = spec.split(separator: ";")
        guard parts.count == 2, let height = UInt64(parts[1]) else { fatalError("bad \(variable): \(spec)") }
        let endpoints = parts[0].split(separator: ",").compactMap { PeerEndpoint(String($0)) }
        let outcome = Shared<Result<Report, Failure>>(.failure(Failure(description: "not run")))
        let done = DispatchSemaphore(value: 0)
        // This runs inside the benchmark runner's async setup, on a thread of Swift's global pool, and the
        // wait below holds that thread: the node runs on `CorePool` (one thread per core), as in the
        // in-process benchmarks. On the global pool it would get one thread of two.
        Task.detached {
            do {
                let report = try await withTaskExecutorPreference(CorePool.shared) {
                    try await syncAlone(from: endpoints, height: height)
                }
                outcome.update { $0 = .success(report) }
            } catch {
                outcome.update { $0 = .failure(Failure(description: "\(error)")) }
            }
            done.signal()
        }
        done.wait()
        switch outcome.value {
        case let .success(report):
            FileHandle.standardOutput.write(try! JSONEncoder().encode(report) + Data("\n".utf8))
            exit(0)
        case let .failure(failure):
            FileHandle.standardError.write(Data("sync child failed: \(failure)\n".utf8))
            exit(1)
        }
    }

    private static func syncAlone(from endpoints: [PeerEndpoint], height: UInt64) async throws -> Report {
        let params = ChainParams.test
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-bench-sync-child-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rssStart = Memory.residentBytes()
        var configuration = NodeConfiguration(params: params, logger: quietLogger("obol.sync"))
        configuration.peers = PeerManagerConfiguration(staticPeers: endpoints)
        configuration.peers.maxOutbound = endpoints.count
        SyncTuning.apply(to: &configuration)
        let transport = try await TCPPeerTransport.bind(host: SyncSeeds.syncHost, port: 0,
                                                        configuration: P2PConfiguration(params: params, staticKey: NoiseKeyPair()))
        let node = try Node(configuration: configuration, store: try SQLiteChainStore(dataDirectory: directory),
                            transport: transport)
        let tips = node.chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> UInt64? in
            if case let .tipChanged(tip) = event { tip.height } else { nil }
        }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            let wall0 = Now.wall()
            let threads0 = ThreadCPU.snapshot()
            defer {
                if ProcessInfo.processInfo.environment["OBOL_BENCH_SYNC_DETAIL"] != nil {
                    let cpu = ThreadCPU.snapshot().byName(since: threads0)
                        .map { "\($0.0): run \($0.1.run / 1_000_000) ms, wait \($0.1.wait / 1_000_000) ms" }
                    FileHandle.standardError.write(Data("child: \(cpu.joined(separator: "; "))\n".utf8))
                }
            }
            group.addTask {
                try await node.run()
                return false
            }
            group.addTask {
                for await tip in tips where tip >= height { return true }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(max(120, Int(height) / 10)))
                throw SyncTimeout(description: "no tip after the timeout: at \(await node.chain.tip.height)")
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw SyncTimeout(description: "the node stopped at \(await node.chain.tip.height)")
            }
            try await node.chain.flush()
            let ns = Now.wall() - wall0
            return Report(ns: ns, rssStart: rssStart, rss: Memory.residentBytes(), peak: Memory.peakResidentBytes(),
                          heap: Memory.heapBytes())
        }
    }
}

// MARK: - Diagnostics: which blocks arrive, how often

/// A transport that hands every `block` message it receives to `record` before the node sees it
/// (OBOL_BENCH_SYNC_DETAIL only): copies of one block received, and the tip when each arrived.
struct CountingTransport: PeerTransport {
    let base: any PeerTransport
    let record: @Sendable (Block) async -> Void

    func connect(to endpoint: PeerEndpoint) async throws -> any PeerLink {
        CountingLink(base: try await base.connect(to: endpoint), record: record)
    }

    func listen(_ accept: @escaping @Sendable (any PeerLink) async -> Void) async throws {
        try await base.listen { link in await accept(CountingLink(base: link, record: record)) }
    }

    var listenEndpoint: PeerEndpoint? { base.listenEndpoint }
    var nodeID: [UInt8] { base.nodeID }
}

struct CountingLink: PeerLink {
    let base: any PeerLink
    let record: @Sendable (Block) async -> Void

    var nodeID: [UInt8] { base.nodeID }
    var remoteEndpoint: PeerEndpoint { base.remoteEndpoint }

    func run(receive: @escaping @Sendable (Message) async throws -> Void,
             write: @escaping @Sendable (any PeerWriter) async throws -> Void) async throws {
        try await base.run(receive: { message in
            if case let .block(block) = message { await record(block) }
            try await receive(message)
        }, write: write)
    }

    func close() async { await base.close() }
}

/// What the counting transport saw.
final class ArrivalLog: Sendable {
    private let state = Shared<[(height: UInt64, tip: UInt64)]>([])

    func add(height: UInt64, tip: UInt64) { state.update { $0.append((height, tip)) } }

    var summary: String {
        let arrivals = state.value
        var copies: [UInt64: Int] = [:]
        for arrival in arrivals { copies[arrival.height, default: 0] += 1 }
        let histogram = Dictionary(grouping: copies.values, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        let stale = arrivals.filter { $0.height <= $0.tip }.count
        let ahead = arrivals.map { Int($0.height) - Int($0.tip) }.sorted()
        let median = ahead.isEmpty ? 0 : ahead[ahead.count / 2]
        return "block messages \(arrivals.count) for \(copies.count) blocks; copies per block: "
            + histogram.map { "\($0.key)×: \($0.value)" }.joined(separator: ", ")
            + "; arrived at or below the tip (already connected): \(stale); height − tip at arrival: median \(median), "
            + "max \(ahead.last ?? 0)"
    }
}

import Benchmark
import Foundation
import Synchronization

/// Clocks and threads for the side-by-side ("Limit.*") benchmarks.
enum Now {
    /// Monotonic wall-clock time in nanoseconds.
    @inline(__always)
    static func wall() -> Int { read(CLOCK_MONOTONIC) }

    /// CPU time of the calling thread in nanoseconds.
    @inline(__always)
    static func threadCPU() -> Int { read(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU time of the whole process (every thread) in nanoseconds.
    @inline(__always)
    static func processCPU() -> Int { read(CLOCK_PROCESS_CPUTIME_ID) }

    @inline(__always)
    private static func read(_ clock: clockid_t) -> Int {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }
}

/// The cores this process may run on.
enum Machine {
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// The 1-minute load average (other sessions' builds on a shared machine).
    static var loadAverage: Double {
        var load = [Double](repeating: 0, count: 3)
        return getloadavg(&load, 3) > 0 ? load[0] : -1
    }
}

/// A value written by worker threads and read after they finish.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }

    var value: Value { storage.withLock { $0 } }
}

/// Runs `body(i)` for i in 0..<count, each on its own new OS thread (never
/// on the Swift cooperative pool), and returns when every one has returned.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            let thread = Thread {
                Thread.current.name = "obol-bench-\(i)"
                body(i)
                group.leave()
            }
            thread.start()
        }
        group.notify(queue: .global()) { continuation.resume() }
    }
}

/// Items per second.
@inline(__always)
func perSecond(_ items: Int, ns: Int) -> Double {
    ns > 0 ? Double(items) * 1e9 / Double(ns) : 0
}

/// Records `value` under `metric`, rounded.
@inline(__always)
func record(_ benchmark: Benchmark, _ metric: BenchmarkMetric, _ value: Double) {
    if value.isFinite { benchmark.measurement(metric, Int(value.rounded())) }
}

/// A task executor with one thread per core, standing in for the Swift
/// global concurrent pool in the `Limit.*` benchmarks.
///
/// Why: the benchmark tool runs its loop on the global pool and blocks one
/// of that pool's threads (a semaphore) while an async benchmark runs, so on
/// a 2-core machine the node's parallel paths would get one thread instead
/// of two. Work run under `withTaskExecutorPreference(CorePool.shared)` (and
/// its child tasks, and default actors it calls) gets `Machine.cores`
/// threads, as in a running node, where nothing blocks the pool.
final class CorePool: TaskExecutor, @unchecked Sendable { // safe: `jobs` and `head` only under `condition`
    static let shared = CorePool(threads: Machine.cores)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    /// `name` prefixes the threads' names ("obol-pool-0", …), which tell the pools apart in `ThreadCPU`.
    init(threads: Int, name: String = "obol-pool") {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in
                Thread.current.name = "\(name)-\(i)"  // on Linux, only a thread can name itself
                self.work()
            }
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// CPU time used by every process on the machine, from /proc/stat (Linux;
/// 0 elsewhere), to tell how busy the other sessions kept the cores.
enum SystemCPU {
    /// Busy time of all CPUs (user, nice, system, irq, softirq, steal) in
    /// nanoseconds, at the kernel's tick resolution (10 ms).
    static func busyNs() -> Int {
        guard let file = fopen("/proc/stat", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let fields = text.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard fields.count >= 8 else { return 0 }
        // user nice system idle iowait irq softirq steal
        let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
        return busy * (1_000_000_000 / max(1, sysconf(Int32(_SC_CLK_TCK))))
    }
}

/// Runs `body` and records how much CPU the machine's other processes used
/// meanwhile, in percent of one core (the noise the side-by-side ratios absorb).
func recordingOthersLoad(_ benchmark: Benchmark, _ body: () async -> Void) async {
    let wall0 = Now.wall()
    let busy0 = SystemCPU.busyNs()
    let own0 = Now.processCPU()
    await body()
    let wall = Now.wall() - wall0
    let others = (SystemCPU.busyNs() - busy0) - (Now.processCPU() - own0)
    if wall > 0 { record(benchmark, LimitMetric.othersLoad, max(0, 100 * Double(others) / Double(wall))) }
}

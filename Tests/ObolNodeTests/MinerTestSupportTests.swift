import ObolCore
@testable import ObolNode
import Synchronization
import Testing

// Helpers shared by the Miner*Tests suites (kept in a test file; ObolTestSupport
// is owned elsewhere and can adopt them later).

/// A `Clock` that moves only when a test advances it.
final class ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state = Mutex(State())
    private let sleepStarted: AsyncStream<Instant>.Continuation
    /// The deadline of every sleep that begins (and has not already passed).
    let sleeps: AsyncStream<Instant>

    init() {
        (sleeps, sleepStarted) = AsyncStream.makeStream()
    }

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case waiting, due, cancelled }
                let outcome = state.withLock { s -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= s.now { return .due }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .waiting
                }
                switch outcome {
                case .waiting: sleepStarted.yield(deadline)
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    func advance(by duration: Duration) {
        let due = state.withLock { s in
            s.now = s.now.advanced(by: duration)
            let now = s.now
            let ids = s.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }
}

/// Wall-clock seconds that a test sets.
struct FixedNodeClock: NodeClock {
    var seconds: UInt64
    func now() -> UInt64 { seconds }
}

/// A value a test and the miner's closures share.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

extension AsyncStream {
    /// The next element that `match` accepts (elements before it are skipped).
    func firstMatch<T>(_ match: (Element) -> T?) async -> T? {
        var iterator = makeAsyncIterator()
        while let element = await iterator.next() {
            if let found = match(element) { return found }
        }
        return nil
    }
}

enum MinerFixture {
    static let params = ChainParams.test
    static let address = Address(bytes: [UInt8](repeating: 0x4d, count: Address.size))!
    /// Decodes to target 1: no nonce wins in any test's lifetime.
    static let hardBits = CompactTarget(bits: 0x0300_0001)

    static func context(height: UInt64 = 1, bits: CompactTarget = params.initialBits,
                        previousHash: Hash256 = params.genesisBlock.hash) -> MiningContext {
        MiningContext(height: height, previousHash: previousHash, bits: bits,
                      minimumTimestamp: params.genesisTimestamp + height)
    }

    static func tipHash(_ n: UInt8) -> Hash256 { Hash256(bytes: [UInt8](repeating: n, count: 32))! }

    static func miner(threads: Int, context: Shared<MiningContext>, timer: ManualClock = ManualClock(),
                      hooks: Miner.Hooks = Miner.Hooks(), refresh: Duration = .seconds(2),
                      transfers: @escaping @Sendable (Int, Int) async -> [Transfer] = { _, _ in [] },
                      submit: @escaping @Sendable (Block) async -> SubmitResult = { _ in .duplicate }) -> Miner {
        Miner(params: params,
              config: MinerConfig(address: address, threads: threads, templateRefreshInterval: refresh,
                                  lowPriorityThreads: false),
              clock: FixedNodeClock(seconds: params.genesisTimestamp + 100), timer: timer,
              logger: Miner.defaultLogger, hooks: hooks,
              context: { context.current }, transfers: transfers, submit: submit)
    }
}

extension MinerEvent {
    var started: MiningJobInfo? { if case let .jobStarted(info) = self { info } else { nil } }
    var found: (Block, SubmitResult)? { if case let .blockFound(block, result) = self { (block, result) } else { nil } }
    var cancelled: (MiningJobInfo, UInt64, UInt64)? {
        if case let .jobCancelled(info, scanned, after) = self { (info, scanned, after) } else { nil }
    }
}

import ObolCore
import ObolTestSupport
@testable import ObolNode
import Synchronization
import Testing

// Helpers shared by the Miner*Tests suites (the clock is ObolTestSupport's ManualClock).

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

    static func miner(threads: Int, context: Shared<MiningContext>,
                      clock: ManualClock = ManualClock(seconds: params.genesisTimestamp + 100),
                      hooks: Miner.Hooks = Miner.Hooks(), refresh: Duration = .seconds(2),
                      transfers: @escaping @Sendable (Int, Int) async -> [Transfer] = { _, _ in [] },
                      submit: @escaping @Sendable (Block) async -> SubmitResult = { _ in .duplicate }) -> Miner {
        Miner(params: params,
              config: MinerConfig(address: address, threads: threads, templateRefreshInterval: refresh,
                                  lowPriorityThreads: false),
              clock: clock,
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

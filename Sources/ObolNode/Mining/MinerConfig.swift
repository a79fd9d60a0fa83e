import Foundation
import ObolCore

/// How the miner mines.
public struct MinerConfig: Sendable, Hashable {
    /// Where the coinbase pays.
    public var address: Address
    /// Worker threads (at least 1).
    public var threads: Int
    /// The least time between two templates refreshed for mempool changes.
    public var templateRefreshInterval: Duration
    /// Coinbase data before the extra nonce (at most 56 bytes are kept).
    public var coinbaseTag: [UInt8]
    /// Run the hash threads at a lower OS priority (nice 10 on Linux), so
    /// the node's own threads win the CPU whenever they have work.
    public var lowPriorityThreads: Bool

    public init(address: Address, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                templateRefreshInterval: Duration = .seconds(2), coinbaseTag: [UInt8] = BlockTemplate.defaultTag,
                lowPriorityThreads: Bool = true) {
        self.address = address
        self.threads = max(1, threads)
        self.templateRefreshInterval = templateRefreshInterval
        self.coinbaseTag = coinbaseTag
        self.lowPriorityThreads = lowPriorityThreads
    }
}

import ObolCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `ChainActor.submit` did with a block.
public enum SubmitResult: Sendable, Equatable {
    /// The block is on the best chain now (possibly after a reorg that
    /// disconnected `disconnected` blocks).
    case connected(height: UInt64, disconnected: Int)
    /// Valid and stored, on a branch with no more work than the best chain.
    case sideBranch(height: UInt64)
    /// Its parent is unknown, or its header is known but its parent's body
    /// is not: it waits in memory (`OrphanPool`) for it.
    case orphan
    /// Its header is kept (and stored), but the body was neither validated
    /// nor stored: its header chain has less work than the tip, or the best
    /// header chain is still below `ChainParams.minimumChainWork`. The body
    /// waits in memory (bounded) and is validated if its branch gains the work.
    case headerOnly(height: UInt64)
    /// Already known.
    case duplicate
    /// Breaks a rule, or descends from a block that does.
    case invalid(BlockRejection)
}

/// Why a block was refused.
public enum BlockRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case rule(ValidationError)
    case invalidAncestor(Hash256)
    case knownInvalid
    case storage(String)
    /// The parent of a header is not known.
    case unknownParent(Hash256)
    /// A header of a batch does not follow the one before it.
    case nonContinuousHeaders
    /// The header forks more than `ChainOptions.maxForkDepth` blocks below
    /// the tip and carries no more work than the tip.
    case forkTooDeep(forkBelow: UInt64)

    public var description: String {
        switch self {
        case let .rule(error): error.description
        case let .invalidAncestor(hash): "descends from invalid block \(hash)"
        case .knownInvalid: "block is known to be invalid"
        case let .storage(message): "storage failure: \(message)"
        case let .unknownParent(hash): "unknown parent \(hash)"
        case .nonContinuousHeaders: "headers do not follow each other"
        case let .forkTooDeep(height): "forks below height \(height) with no more work than the tip"
        }
    }

    /// True when the sender of the block is at fault (a peer to ban).
    /// Honest races are not: a slightly future timestamp, a parent the sender
    /// knows and we do not yet, a branch that lost (`forkTooDeep`: an honest
    /// peer may still be on it), or our own storage failing.
    public var isPeerFault: Bool {
        switch self {
        case .rule(.timestampTooFarInFuture): false
        case .storage, .unknownParent, .forkTooDeep: false
        default: true
        }
    }
}

/// Reads account state at the best tip.
public protocol AccountProvider: Sendable {
    func account(_ address: Address) async -> Account
    /// Several accounts read at once (one hop for a whole batch).
    func accounts(_ addresses: [Address]) async -> [Address: Account]
    /// Several accounts together with the hash of the tip they were read at,
    /// in one hop. A reader that follows the chain's events lags behind the
    /// chain, and can tell from `tip` whether the state matches the tip it
    /// has reached. `tip` is nil when the provider does not know (the
    /// default); the reader then takes the accounts as current.
    func accountsAtTip(_ addresses: [Address]) async -> (tip: Hash256?, accounts: [Address: Account])
    /// The height of the block that would extend the best tip (what newly
    /// mined coins' maturity is reckoned against); nil when unknown (the default).
    func nextBlockHeight() async -> UInt64?
}

extension AccountProvider {
    public func accounts(_ addresses: [Address]) async -> [Address: Account] {
        var result = [Address: Account](minimumCapacity: addresses.count)
        for address in addresses { result[address] = await account(address) }
        return result
    }

    public func accountsAtTip(_ addresses: [Address]) async -> (tip: Hash256?, accounts: [Address: Account]) {
        (nil, await accounts(addresses))
    }

    public func nextBlockHeight() async -> UInt64? { nil }
}

/// What a miner needs to build the next block on the tip.
public struct MiningContext: Sendable, Hashable {
    public var height: UInt64
    public var previousHash: Hash256
    public var bits: CompactTarget
    /// The smallest timestamp the block may carry (median time past + 1).
    public var minimumTimestamp: UInt64

    public init(height: UInt64, previousHash: Hash256, bits: CompactTarget, minimumTimestamp: UInt64) {
        self.height = height
        self.previousHash = previousHash
        self.bits = bits
        self.minimumTimestamp = minimumTimestamp
    }
}

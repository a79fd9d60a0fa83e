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
    /// Its parent is unknown; it waits in the orphan pool.
    case orphan
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

    public var description: String {
        switch self {
        case let .rule(error): error.description
        case let .invalidAncestor(hash): "descends from invalid block \(hash)"
        case .knownInvalid: "block is known to be invalid"
        case let .storage(message): "storage failure: \(message)"
        }
    }

    /// True when the sender of the block is at fault (a peer to ban).
    public var isPeerFault: Bool {
        switch self {
        case .rule(.timestampTooFarInFuture): false
        case .storage: false
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

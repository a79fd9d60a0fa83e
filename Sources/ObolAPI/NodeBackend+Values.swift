import ObolAPIModels
import ObolCore

/// What `NodeBackend.status()` reports.
public struct NodeStatus: Sendable, Hashable {
    public var tip: ChainTip
    /// Peers whose handshake has completed.
    public var peers: Int
    public var mempoolSize: Int
    /// Hashes per second; 0 when unknown.
    public var hashRate: Double
    /// The best header's height.
    public var headers: UInt64
    /// Whether blocks of the best header chain are missing (it has more work than `tip`).
    public var syncing: Bool

    /// `headers` defaults to the tip's height.
    public init(tip: ChainTip, peers: Int, mempoolSize: Int, hashRate: Double = 0, headers: UInt64? = nil,
                syncing: Bool = false) {
        self.tip = tip
        self.peers = peers
        self.mempoolSize = mempoolSize
        self.hashRate = hashRate
        self.headers = headers ?? tip.height
        self.syncing = syncing
    }
}

/// How a block is named in `GET /blocks/{hash-or-height}`.
public enum BlockID: Sendable, Hashable {
    case hash(Hash256)
    /// A height on the best chain.
    case height(UInt64)
}

/// A block and whether it is on the best chain.
public struct BlockRecord: Sendable, Hashable {
    public var block: Block
    public var onMainChain: Bool

    public init(block: Block, onMainChain: Bool) {
        self.block = block
        self.onMainChain = onMainChain
    }
}

/// A best-chain transaction and where it is.
public struct ConfirmedTransaction: Sendable, Hashable {
    public var transaction: Transaction
    public var location: TransactionLocation

    public init(transaction: Transaction, location: TransactionLocation) {
        self.transaction = transaction
        self.location = location
    }
}

/// What `NodeBackend.transaction(_:)` found.
public enum TransactionRecord: Sendable, Hashable {
    case confirmed(ConfirmedTransaction)
    case pending(Transfer)
}

/// What `NodeBackend.account(_:recentLimit:)` reports.
public struct AccountRecord: Sendable, Hashable {
    public var account: Account
    /// The nonce a new transfer should carry: `account.nonce` plus this
    /// account's transfers waiting in the mempool.
    public var pendingNonce: UInt64
    /// Newest first.
    public var recent: [ConfirmedTransaction]
    /// The height of the next block, for what of `account` it may spend
    /// (coinbase maturity). Read no later than `account`, so a tip moving in
    /// between makes the spendable part err low, never high.
    public var nextHeight: UInt64

    public init(account: Account, pendingNonce: UInt64, recent: [ConfirmedTransaction], nextHeight: UInt64) {
        self.account = account
        self.pendingNonce = pendingNonce
        self.recent = recent
        self.nextHeight = nextHeight
    }

    /// The nonce a new transfer signs with: `pendingNonce`, never below the confirmed nonce (the two are
    /// read one after the other, so a block connected in between could leave `pendingNonce` behind).
    public var nextNonce: UInt64 { max(pendingNonce, account.nonce) }

    /// What a transfer in the next block may spend: the balance minus coinbase coins younger than `maturity`.
    public func spendable(maturity: UInt64) -> UInt64 {
        account.spendable(atHeight: nextHeight, maturity: maturity)
    }
}

extension TransactionResponse {
    /// A best-chain transaction where it stands.
    init(_ confirmed: ConfirmedTransaction) {
        self.init(confirmed.transaction, blockHash: confirmed.location.blockHash, height: confirmed.location.height)
    }
}

/// What the mempool did with a submitted transfer.
public enum SubmitOutcome: Sendable, Hashable {
    case accepted
    case rejected(TransferRejection)
}

/// Why the node refused a transfer: a short stable code (such as
/// `bad-nonce`) and a one-line message (such as
/// `bad-nonce: transaction … has nonce 3, account expects 2`).
public struct TransferRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The rule's name as the code and its description as the message.
    public init(_ error: ValidationError) {
        self.init(code: error.rule, message: error.description)
    }

    /// Takes the code from a reason written as `code: details` (as
    /// `ValidationError.description` and mempool rejections are), or the whole
    /// reason when it is a bare code; `fallbackCode` otherwise.
    public init(reason: String, fallbackCode: String = "rejected") {
        let head = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let isCode = !head.isEmpty && head.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-")
        }
        self.init(code: isCode ? head : fallbackCode, message: reason)
    }

    public var description: String { message }
}

/// What `NodeBackend.events(watching:bufferingNewest:)` reports, as `GET /events` tells it.
public enum NodeEvent: Sendable, Hashable {
    /// The best tip moved.
    case tip(height: UInt64, hash: Hash256)
    /// The mempool's contents changed (the route reads the new count).
    case mempool
    /// A block or a mempool transfer involves the watched address.
    case wallet
}

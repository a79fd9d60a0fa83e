import ObolCore

/// How a transfer's signature stands when it is offered to the pool.
public enum SignatureStatus: Sendable, Equatable {
    /// Not checked yet: the pool verifies it, after the cheap checks pass.
    case unchecked
    /// Already verified by the caller (the actor, off its executor) or by block
    /// validation (a transfer from a disconnected block). Not verified again.
    case verified
}

/// One pending transfer and what the pool knows about it.
struct MempoolEntry: Sendable {
    let transfer: Transfer
    let rate: FeeRate
    /// Seconds since the Unix epoch when the transfer entered the pool.
    let addedAt: UInt64
    /// Unique per admission; tells a heap item of this admission from a stale one.
    let sequence: UInt64
    /// The signature was verified (by the pool, the actor, or block validation).
    let signatureVerified: Bool

    init(transfer: Transfer, addedAt: UInt64, sequence: UInt64, signatureVerified: Bool) {
        self.transfer = transfer
        self.rate = FeeRate(transfer)
        self.addedAt = addedAt
        self.sequence = sequence
        self.signatureVerified = signatureVerified
    }

    var id: Hash256 { transfer.id }
    var sender: Address { transfer.senderAddress }
    var nonce: UInt64 { transfer.nonce }
    var size: Int { transfer.size }
    /// amount + fee (sanity has ruled out overflow).
    var cost: UInt64 { transfer.totalCost ?? .max }
}

/// The pending transfers of one sender: `ids[i]` carries nonce `firstNonce + i`,
/// so the chain has no gap by construction.
struct SenderChain: Sendable {
    var firstNonce: UInt64
    var ids: [Hash256]

    var endNonce: UInt64 { firstNonce + UInt64(ids.count) }

    func index(of nonce: UInt64) -> Int? {
        guard nonce >= firstNonce, nonce < endNonce else { return nil }
        return Int(nonce - firstNonce)
    }
}

/// A sender's last pending transfer, the only kind that may be evicted.
/// Lowest fee rate comes first; on a tie the newest goes first.
struct EvictionItem: Comparable, Sendable {
    let rate: FeeRate
    let sequence: UInt64
    let id: Hash256

    static func < (a: EvictionItem, b: EvictionItem) -> Bool {
        a.rate != b.rate ? a.rate < b.rate : a.sequence > b.sequence
    }
}

/// Oldest admission first.
struct ExpiryItem: Comparable, Sendable {
    let addedAt: UInt64
    let sequence: UInt64
    let id: Hash256

    static func < (a: ExpiryItem, b: ExpiryItem) -> Bool {
        (a.addedAt, a.sequence) < (b.addedAt, b.sequence)
    }
}

/// A sender's next includable transfer while building a template.
/// Highest fee rate comes first; on a tie the oldest goes first.
struct TemplateItem: Comparable, Sendable {
    let rate: FeeRate
    let sequence: UInt64
    let sender: Address
    let index: Int

    static func < (a: TemplateItem, b: TemplateItem) -> Bool {
        a.rate != b.rate ? a.rate > b.rate : a.sequence < b.sequence
    }
}

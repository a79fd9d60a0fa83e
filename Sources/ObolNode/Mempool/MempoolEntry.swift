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
/// so the chain has no gap by construction. `runningCost` holds running totals
/// of amount + fee, so the cost of any run of the chain is one subtraction
/// (admission stays linear in the chain's length, not quadratic).
struct SenderChain: Sendable {
    private(set) var firstNonce: UInt64
    private(set) var ids: [Hash256]
    /// `runningCost[i] - runningCost[j]` is the cost of `ids[j + 1 ... i]`
    /// (the base is arbitrary: dropping a prefix keeps the differences).
    private var runningCost: [UInt128]

    init(firstNonce: UInt64, entries: some Sequence<MempoolEntry>) {
        self.firstNonce = firstNonce
        ids = []
        runningCost = []
        for entry in entries { append(entry) }
    }

    var endNonce: UInt64 { firstNonce + UInt64(ids.count) }
    var count: Int { ids.count }

    func index(of nonce: UInt64) -> Int? {
        guard nonce >= firstNonce, nonce < endNonce else { return nil }
        return Int(nonce - firstNonce)
    }

    /// Amount + fee of `ids[range]`, saturated at `UInt64.max`.
    func cost(_ range: Range<Int>) -> UInt64 {
        guard !range.isEmpty else { return 0 }
        let before = range.lowerBound == 0 ? 0 : runningCost[range.lowerBound - 1]
        return UInt64(clamping: runningCost[range.upperBound - 1] - before)
    }

    mutating func append(_ entry: MempoolEntry) {
        ids.append(entry.id)
        runningCost.append((runningCost.last ?? 0) + UInt128(entry.cost))
    }

    /// Puts `entry` at `index` (same nonce); later running totals move by the difference.
    mutating func replace(at index: Int, with entry: MempoolEntry) {
        let before = index == 0 ? 0 : runningCost[index - 1]
        let old = runningCost[index] - before
        let new = UInt128(entry.cost)
        ids[index] = entry.id
        for i in index..<runningCost.count { runningCost[i] = runningCost[i] - old + new }
    }

    /// Drops `ids[index...]`.
    mutating func removeSuffix(from index: Int) {
        ids.removeSubrange(index...)
        runningCost.removeSubrange(index...)
    }

    /// Drops the first `count` ids (their nonces were used on the chain).
    mutating func removePrefix(_ count: Int) {
        ids.removeFirst(count)
        runningCost.removeFirst(count)
        firstNonce += UInt64(count)
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

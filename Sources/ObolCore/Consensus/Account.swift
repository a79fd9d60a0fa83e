/// Coins minted by one coinbase: the block `height` it was in and the
/// `amount` it paid this account. Until they mature they count in the
/// balance but cannot be spent.
public struct MaturityLock: Sendable, Hashable, Codable {
    public var height: UInt64
    public var amount: UInt64

    public init(height: UInt64, amount: UInt64) {
        self.height = height
        self.amount = amount
    }

    /// True when a block at `blockHeight` may spend these coins:
    /// `blockHeight − height ≥ maturity` (Bitcoin's COINBASE_MATURITY rule).
    public func isMature(atHeight blockHeight: UInt64, maturity: UInt64) -> Bool {
        blockHeight >= height && blockHeight - height >= maturity
    }

    /// The first block height that may spend these coins.
    public func spendableFrom(maturity: UInt64) -> UInt64 {
        let (sum, overflow) = height.addingReportingOverflow(maturity)
        return overflow ? .max : sum
    }
}

/// One account: its balance, the nonce its next transfer must carry, and
/// which of its coins were minted too recently to be spent.
///
/// Coinbase maturity: `balance` is the total. Each coinbase paid to the
/// account while `coinbaseMaturity > 0` adds a `MaturityLock` (its height and
/// amount); a block at height h may spend only `spendable(atHeight: h, …)`,
/// the balance minus the locks not yet mature at h. A debit never touches the
/// locks: it may take at most the spendable part, so the immature coins stay
/// covered by the balance. `AccountState.connect` drops the locks that have
/// matured whenever it writes an account, so an account holds at most
/// `coinbaseMaturity` locks (one per block height in the window). Locks are
/// part of the account's value: undo data and the store keep them exactly.
/// The genesis allocation has no lock: it is spendable at once.
public struct Account: Sendable, Hashable, Codable {
    public var balance: UInt64
    public var nonce: UInt64
    /// Coinbase coins that were not yet mature when the account was last
    /// written, oldest first; part of `balance`. Some may have matured since.
    public var locks: [MaturityLock]

    /// The most locks an account can hold: `ChainParams.coinbaseMaturity` is at most this.
    public static let maxLocks = 10_000

    public init(balance: UInt64 = 0, nonce: UInt64 = 0, locks: [MaturityLock] = []) {
        self.balance = balance
        self.nonce = nonce
        self.locks = locks
    }

    public static let empty = Account()

    // MARK: Maturity

    /// The part of the balance that is not yet spendable in a block at `height`.
    public func immature(atHeight height: UInt64, maturity: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        for lock in locks where !lock.isMature(atHeight: height, maturity: maturity) {
            let (total, overflow) = sum.addingReportingOverflow(lock.amount)
            sum = overflow ? .max : total
        }
        return min(sum, balance)
    }

    /// What a block at `height` may take from this account: the balance minus
    /// the coins minted by coinbases not yet mature at `height`.
    public func spendable(atHeight height: UInt64, maturity: UInt64) -> UInt64 {
        balance - immature(atHeight: height, maturity: maturity)
    }

    /// The immature coins at `height`, grouped by the first height that may
    /// spend them, earliest first.
    public func maturing(atHeight height: UInt64, maturity: UInt64) -> [(spendableFrom: UInt64, amount: UInt64)] {
        locks.filter { !$0.isMature(atHeight: height, maturity: maturity) }
            .map { ($0.spendableFrom(maturity: maturity), $0.amount) }
            .sorted { $0.spendableFrom < $1.spendableFrom }
    }

    /// The first block height, not below `height`, whose block may spend
    /// `needed` from this account (no other coins arriving meanwhile); nil
    /// when `needed` exceeds the balance.
    public func spendableHeight(covering needed: UInt64, atHeight height: UInt64, maturity: UInt64) -> UInt64? {
        Self.spendableHeight(covering: needed, balance: balance, spendable: spendable(atHeight: height, maturity: maturity),
                             at: height, maturing: maturing(atHeight: height, maturity: maturity))
    }

    /// The first height, not below `height`, from which `needed` can be spent
    /// out of `balance`, when `spendable` can be at `height` and `maturing`
    /// (height from which they are spendable, amount; in height order) joins
    /// it later; nil when `needed` exceeds the balance. Shared by the node and
    /// by clients that only have an account's JSON.
    public static func spendableHeight(covering needed: UInt64, balance: UInt64, spendable: UInt64, at height: UInt64,
                                       maturing: some Sequence<(UInt64, UInt64)>) -> UInt64? {
        guard needed <= balance else { return nil }
        var spendable = spendable
        if needed <= spendable { return height }
        for (from, amount) in maturing {
            spendable = min(balance, spendable &+ amount)
            if needed <= spendable { return from }
        }
        return nil
    }

    // MARK: Checked changes (consensus state never traps)

    /// Takes `amount` from the balance for transaction `id`; never below zero.
    public mutating func debit(_ amount: UInt64, by id: Hash256) throws(ValidationError) {
        guard amount <= balance else { throw .insufficientBalance(id, balance: balance, needed: amount) }
        balance -= amount
    }

    /// Adds `amount` to the balance for transaction `id`; never past `UInt64.max`.
    public mutating func credit(_ amount: UInt64, by id: Hash256) throws(ValidationError) {
        let (sum, overflow) = balance.addingReportingOverflow(amount)
        guard !overflow else { throw .amountOverflow(id) }
        balance = sum
    }

    /// Moves the nonce on after transfer `id`; never past `UInt64.max`.
    public mutating func advanceNonce(by id: Hash256) throws(ValidationError) {
        let (next, overflow) = nonce.addingReportingOverflow(1)
        guard !overflow else { throw .nonceOverflow(id) }
        nonce = next
    }

    /// Records `amount` minted at `height` as immature (already credited to the balance).
    public mutating func lock(_ amount: UInt64, mintedAt height: UInt64) {
        guard amount > 0 else { return }
        if let last = locks.indices.last, locks[last].height == height {
            locks[last].amount = locks[last].amount &+ amount  // both parts of one balance: cannot wrap
        } else {
            locks.append(MaturityLock(height: height, amount: amount))
        }
    }

    /// Drops the locks that a block at `height` may already spend.
    public mutating func dropMatureLocks(atHeight height: UInt64, maturity: UInt64) {
        if locks.contains(where: { $0.isMature(atHeight: height, maturity: maturity) }) {
            locks.removeAll { $0.isMature(atHeight: height, maturity: maturity) }
        }
    }

    // MARK: Encoding of the locks (undo data, the store)

    /// Bytes `locks` take in `encodeLocks(to:)`.
    public var locksEncodingSize: Int { 4 + locks.count * 16 }

    /// The locks as a count then (height, amount) pairs, little-endian.
    public func encodeLocks(to w: inout ByteWriter) {
        w.write(UInt32(locks.count))
        for lock in locks {
            w.write(lock.height)
            w.write(lock.amount)
        }
    }

    /// Reads what `encodeLocks(to:)` wrote.
    public static func decodeLocks(from r: inout ByteReader) throws(DecodeError) -> [MaturityLock] {
        let count = try r.readCount(field: "account.locks", limit: maxLocks, minimumElementSize: 16)
        var locks = [MaturityLock]()
        locks.reserveCapacity(count)
        for _ in 0..<count {
            locks.append(MaturityLock(height: try r.read(UInt64.self), amount: try r.read(UInt64.self)))
        }
        return locks
    }

    // MARK: Codable (accounts written before locks existed decode with none)

    private enum CodingKeys: String, CodingKey { case balance, nonce, locks }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        balance = try container.decode(UInt64.self, forKey: .balance)
        nonce = try container.decode(UInt64.self, forKey: .nonce)
        locks = try container.decodeIfPresent([MaturityLock].self, forKey: .locks) ?? []
    }
}

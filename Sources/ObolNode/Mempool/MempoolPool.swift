import ObolCore

/// The mempool's logic as a plain value: pending transfers indexed by id, by
/// sender (a gap-free nonce chain each) and by fee rate (a lazy min-heap over
/// each sender's last transfer, which is what eviction needs; full fee-rate
/// order is computed on demand by `all()` and `template`).
///
/// Every mutating method returns the events it caused, in order; the actor
/// publishes them. Nothing here reads a clock or awaits: `now` and the
/// sender's confirmed account are parameters.
public struct MempoolPool: Sendable {
    public let params: ChainParams
    public let config: MempoolConfig

    var entries: [Hash256: MempoolEntry] = [:]
    /// Ids by full hash (signature included): peers name transfers by it.
    var idsByFullHash: [Hash256: Hash256] = [:]
    var chains: [Address: SenderChain] = [:]
    public internal(set) var totalBytes = 0
    /// Senders' last transfers by fee rate; items go stale when their entry
    /// leaves or stops being last, and are dropped when popped.
    var evictionHeap = Heap<EvictionItem>()
    /// Every admission by age; stale items are dropped when popped.
    var expiryHeap = Heap<ExpiryItem>()
    var nextSequence: UInt64 = 0
    /// Transfers of disconnected blocks by sender and nonce, waiting for `revalidate`.
    var reorgCandidates: [Address: [UInt64: Transfer]] = [:]
    /// Addresses whose confirmed account changed since the last `revalidate`
    /// in a way a pending transfer may not survive.
    var dirty: Set<Address> = []
    /// The height of the next block (the tip's plus one), for coinbase
    /// maturity: a pending transfer may spend only what its sender may spend
    /// at this height. The actor sets it on every `tipChanged`; see `spendable(_:)`.
    public var nextHeight: UInt64?

    public init(params: ChainParams, config: MempoolConfig = .init()) {
        self.params = params
        self.config = config
    }

    // MARK: Reading

    public var count: Int { entries.count }

    public func transfer(_ id: Hash256) -> Transfer? { entries[id]?.transfer }

    public func contains(_ id: Hash256) -> Bool { entries[id] != nil }

    /// The pending transfer whose full hash (signature included) is `fullHash`.
    public func transfer(fullHash: Hash256) -> Transfer? { idsByFullHash[fullHash].flatMap { entries[$0]?.transfer } }

    /// Whether a transfer with this full hash is pending.
    public func contains(fullHash: Hash256) -> Bool { idsByFullHash[fullHash] != nil }

    /// True when `id` is pending and its signature was verified, on admission
    /// or by the block validation it came back from. A block validator may skip it.
    public func isKnownValid(_ id: Hash256) -> Bool { entries[id]?.signatureVerified ?? false }

    /// The ids among `ids` that are known valid (see `isKnownValid`).
    public func knownValid(_ ids: some Sequence<Hash256>) -> Set<Hash256> {
        Set(ids.lazy.filter { isKnownValid($0) })
    }

    /// The nonce a sender's next transfer should carry, counting pending ones.
    public func pendingNonce(for address: Address, account: Account) -> UInt64 {
        guard let chain = chains[address], account.nonce <= chain.endNonce else { return account.nonce }
        return chain.endNonce
    }

    /// A sender's pending transfers in nonce order.
    public func pending(from address: Address) -> [Transfer] {
        chains[address]?.ids.compactMap { entries[$0]?.transfer } ?? []
    }

    // MARK: Admission

    /// The checks that need no account: duplicate and the transfer's own
    /// consensus rules except the signature.
    public func precheck(_ transfer: Transfer) throws(MempoolRejection) {
        guard entries[transfer.id] == nil else { throw .duplicate }
        do {
            try TransferRules.checkSanity(transfer, params: params)
        } catch {
            throw .invalid(error)
        }
    }

    /// Admits `transfer` given its sender's confirmed `account` at the tip.
    ///
    /// The nonce must extend the sender's pending chain, or equal a pending
    /// nonce with a fee at least `replacementIncrement` higher (replace by fee;
    /// later transfers of the sender stay while the balance still covers them).
    /// The balance must cover every pending transfer of the sender up to this
    /// one, and so must the part of it the next block may spend (newly mined
    /// coins wait for coinbase maturity: `.invalid(.immatureCoinbaseSpend)`). When the pool is full, lower fee-rate chain ends of other senders
    /// are evicted. The signature is verified last, only when `.unchecked`.
    /// A sender holds at most `config.maxPerSender` pending transfers. The cost
    /// is constant in the sender's pending count, except for a replacement.
    public mutating func add(_ transfer: Transfer, account: Account, now: UInt64,
                             signature: SignatureStatus = .unchecked,
                             origin: Origin = .local) throws(MempoolRejection) -> [MempoolEvent] {
        try precheck(transfer)
        let sender = transfer.senderAddress
        // A chain wholly below the account's nonce is stale: the pool has not yet
        // processed the block that used those nonces. It is dropped on admission.
        var existing = chains[sender]
        var chain = existing.flatMap { account.nonce > $0.endNonce ? nil : $0 }
        let staleIDs = chain == nil ? existing?.ids ?? [] : []
        let expected = chain?.endNonce ?? account.nonce
        guard transfer.nonce >= max(account.nonce, chain?.firstNonce ?? 0) else {
            throw .nonceTooLow(expected: expected, actual: transfer.nonce)
        }
        let replacedIndex = chain?.index(of: transfer.nonce)
        guard replacedIndex != nil || transfer.nonce == expected else {
            throw .nonceGap(expected: expected, actual: transfer.nonce)
        }

        // Earlier live pending transfers of the sender plus this one.
        var ids = chain?.ids ?? []
        let position = replacedIndex ?? ids.count
        let liveFrom = chain.map { account.nonce > $0.firstNonce ? Int(account.nonce - $0.firstNonce) : 0 } ?? 0
        guard replacedIndex != nil || ids.count - liveFrom < config.maxPerSender else {
            throw .tooManyPending(limit: config.maxPerSender)
        }
        var needed: UInt64 = chain?.cost(min(liveFrom, position)..<position) ?? 0
        needed = saturatingAdd(needed, transfer.totalCost ?? .max)
        guard needed <= account.balance else {
            throw .insufficientBalance(balance: account.balance, needed: needed)
        }
        let spendable = spendable(account)
        guard needed <= spendable else {
            let height = spendingHeight(account)
            let from = account.spendableHeight(covering: needed, atHeight: height, maturity: params.coinbaseMaturity)
            throw .invalid(.immatureCoinbaseSpend(transfer.id, spendable: spendable, needed: needed,
                                                  spendableFrom: from ?? .max))
        }

        var removedCount = staleIDs.count
        var removedBytes = staleIDs.reduce(0) { $0 + size($1) }
        var dropFrom: Int?
        if let index = replacedIndex {
            let oldFee = entries[ids[index]]?.transfer.fee ?? 0
            let increment = max(config.replacementIncrement(params), 1)
            let minimum = saturatingAdd(oldFee, increment)
            guard transfer.fee >= minimum else { throw .replacementFeeTooLow(minimum: minimum, actual: transfer.fee) }
            removedCount += 1
            removedBytes += size(ids[index])
            var running = needed
            for later in (index + 1)..<ids.count {
                running = saturatingAdd(running, cost(ids[later]))
                if running > spendable { dropFrom = later; break }
            }
            if let dropFrom {
                removedCount += ids.count - dropFrom
                removedBytes += ids[dropFrom...].reduce(0) { $0 + size($1) }
            }
        }

        guard transfer.size <= config.maxBytes, config.maxCount > 0 else { throw .full }
        guard let evictions = planEviction(extraCount: 1 - removedCount, extraBytes: transfer.size - removedBytes,
                                           incoming: FeeRate(transfer), excluding: sender)
        else { throw .full }

        // The expensive check last, once the cheap ones have passed.
        if signature == .unchecked {
            guard transfer.hasValidSignature else { throw .invalid(.invalidSignature(transfer.id)) }
        }

        // Commit. The local copies of the chain go first, so that it grows in
        // place below (a copy would cost its length on every admission).
        let replacedID = replacedIndex.map { ids[$0] }
        (existing, chain, ids) = (nil, nil, [])
        var events: [MempoolEvent] = []
        for id in evictions { events += evictTail(id) }
        if !staleIDs.isEmpty {
            for id in staleIDs where removeEntry(id) != nil { events.append(.removed(id, reason: .invalidated)) }
            chains[sender] = nil
        }
        let entry = insertEntry(transfer, addedAt: now, verified: true)
        if let index = replacedIndex, let oldID = replacedID {
            removeEntry(oldID)
            events.append(.removed(oldID, reason: .replaced))
            if let dropFrom { events += truncate(sender, from: dropFrom, firstReason: .invalidated) }
            chains[sender]?.replace(at: index, with: entry)
        } else if chains[sender] != nil {
            chains[sender]?.append(entry)
        } else {
            chains[sender] = SenderChain(firstNonce: transfer.nonce, entries: [entry])
        }
        noteTail(of: sender)
        events.append(.accepted(transfer, origin: origin))
        compactHeapsIfNeeded()
        return events
    }

    // MARK: Storage primitives

    /// Adds an entry to the id index, the byte count and the expiry heap (not to a chain).
    @discardableResult
    mutating func insertEntry(_ transfer: Transfer, addedAt: UInt64, verified: Bool) -> MempoolEntry {
        let entry = MempoolEntry(transfer: transfer, addedAt: addedAt, sequence: nextSequence, signatureVerified: verified)
        nextSequence += 1
        entries[entry.id] = entry
        idsByFullHash[transfer.fullHash] = entry.id
        totalBytes += entry.size
        expiryHeap.insert(ExpiryItem(addedAt: addedAt, sequence: entry.sequence, id: entry.id))
        return entry
    }

    /// Removes an entry from the id index and the byte count (not from its chain).
    @discardableResult
    mutating func removeEntry(_ id: Hash256) -> MempoolEntry? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        idsByFullHash.removeValue(forKey: entry.transfer.fullHash)
        totalBytes -= entry.size
        return entry
    }

    /// Removes a sender's chain from `index` on: the first with `firstReason`,
    /// the rest `.invalidated` (they would leave a nonce gap).
    mutating func truncate(_ sender: Address, from index: Int,
                           firstReason: MempoolRemovalReason) -> [MempoolEvent] {
        guard chains[sender].map({ index < $0.count }) == true, var chain = chains.removeValue(forKey: sender)
        else { return [] }
        var events: [MempoolEvent] = []
        for (offset, id) in chain.ids[index...].enumerated() where removeEntry(id) != nil {
            events.append(.removed(id, reason: offset == 0 ? firstReason : .invalidated))
        }
        chain.removeSuffix(from: index)
        chains[sender] = chain.ids.isEmpty ? nil : chain
        noteTail(of: sender)
        return events
    }

    /// Offers a sender's current last transfer to the eviction heap.
    mutating func noteTail(of sender: Address) {
        guard let last = chains[sender]?.ids.last, let entry = entries[last] else { return }
        evictionHeap.insert(EvictionItem(rate: entry.rate, sequence: entry.sequence, id: entry.id))
    }

    /// Rebuilds the heaps when stale items outnumber live ones.
    mutating func compactHeapsIfNeeded() {
        if evictionHeap.count > 2 * chains.count + 1024 {
            evictionHeap = Heap(chains.values.compactMap { chain in
                chain.ids.last.flatMap { entries[$0] }.map {
                    EvictionItem(rate: $0.rate, sequence: $0.sequence, id: $0.id)
                }
            })
        }
        if expiryHeap.count > 2 * entries.count + 1024 {
            expiryHeap = Heap(entries.values.map { ExpiryItem(addedAt: $0.addedAt, sequence: $0.sequence, id: $0.id) })
        }
    }

    /// What the next block may take from `account` (coinbase maturity).
    func spendable(_ account: Account) -> UInt64 {
        account.spendable(atHeight: spendingHeight(account), maturity: params.coinbaseMaturity)
    }

    /// The next block's height; before the first `tipChanged`, the lowest it
    /// can be given the account's own locks (immature coins are then refused
    /// rather than admitted too early).
    func spendingHeight(_ account: Account) -> UInt64 {
        nextHeight ?? account.locks.map { $0.height &+ 1 }.max() ?? 0
    }

    func cost(_ id: Hash256) -> UInt64 { entries[id]?.cost ?? 0 }
    func size(_ id: Hash256) -> Int { entries[id]?.size ?? 0 }

    func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}

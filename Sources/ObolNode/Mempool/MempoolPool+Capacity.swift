import ObolCore

/// Bounds: eviction by fee rate and expiry by age.
extension MempoolPool {
    /// Whether the pool is within its count and byte limits.
    public var isWithinLimits: Bool { count <= config.maxCount && totalBytes <= config.maxBytes }

    /// Removes transfers older than `config.expiry` seconds (age > expiry),
    /// each with the later nonces of its sender, which would otherwise leave a gap.
    public mutating func expire(now: UInt64) -> [MempoolEvent] {
        var events: [MempoolEvent] = []
        while let oldest = expiryHeap.min, now > oldest.addedAt, now - oldest.addedAt > config.expiry {
            _ = expiryHeap.popMin()
            guard let entry = entries[oldest.id], entry.sequence == oldest.sequence,
                  let index = chains[entry.sender]?.index(of: entry.nonce)
            else { continue }
            events += truncate(entry.sender, from: index, firstReason: .expired)
        }
        compactHeapsIfNeeded()
        return events
    }

    /// Evicts the lowest fee-rate chain ends until the pool is within its limits.
    mutating func evictUntilWithinLimits() -> [MempoolEvent] {
        var events: [MempoolEvent] = []
        while !isWithinLimits, let item = evictionHeap.popMin() {
            guard let entry = liveTail(item, virtuallyRemoved: 0) else { continue }
            events += evictTail(entry.id)
        }
        return events
    }

    /// Removes `id`, which must be the last transfer of its sender's chain.
    mutating func evictTail(_ id: Hash256) -> [MempoolEvent] {
        guard let entry = entries[id], let chain = chains[entry.sender], chain.ids.last == id else { return [] }
        return truncate(entry.sender, from: chain.ids.count - 1, firstReason: .evicted)
    }

    /// The chain ends to evict, lowest fee rate first, so that `extraCount`
    /// more transfers and `extraBytes` more bytes fit; nil when that would take
    /// evicting something with a fee rate at or above `incoming`, or a transfer
    /// of `excluded` (the incoming transfer's own sender, whose chain must stay intact).
    ///
    /// Nothing is removed: the heap is left as it was, except that stale items
    /// are dropped and the ends that evicting would expose are offered in advance
    /// (they go stale by themselves if the plan is not carried out).
    mutating func planEviction(extraCount: Int, extraBytes: Int, incoming: FeeRate,
                               excluding excluded: Address) -> [Hash256]? {
        var needCount = count + extraCount - config.maxCount
        var needBytes = totalBytes + extraBytes - config.maxBytes
        guard needCount > 0 || needBytes > 0 else { return [] }

        var plan: [Hash256] = []
        var popped: [EvictionItem] = []
        var removedPerSender: [Address: Int] = [:]
        var satisfied = false
        while let item = evictionHeap.popMin() {
            guard let sender = entries[item.id]?.sender,
                  let entry = liveTail(item, virtuallyRemoved: removedPerSender[sender, default: 0])
            else { continue }
            popped.append(item)
            if sender == excluded { continue }
            guard entry.rate < incoming else { break }
            plan.append(entry.id)
            let removed = removedPerSender[sender, default: 0] + 1
            removedPerSender[sender] = removed
            needCount -= 1
            needBytes -= entry.size
            // The sender's previous transfer would become its last one.
            if let chain = chains[sender], chain.ids.count > removed,
               let previous = entries[chain.ids[chain.ids.count - 1 - removed]] {
                evictionHeap.insert(EvictionItem(rate: previous.rate, sequence: previous.sequence, id: previous.id))
            }
            if needCount <= 0 && needBytes <= 0 { satisfied = true; break }
        }
        // Planned ends are still ends until the caller evicts them (then these go stale).
        for item in popped { evictionHeap.insert(item) }
        return satisfied ? plan : nil
    }

    /// The entry of `item` when it is still pending, is the same admission, and
    /// is the last of its sender's chain once `virtuallyRemoved` ends are taken off.
    func liveTail(_ item: EvictionItem, virtuallyRemoved: Int) -> MempoolEntry? {
        guard let entry = entries[item.id], entry.sequence == item.sequence,
              let chain = chains[entry.sender] else { return nil }
        let tailIndex = chain.ids.count - 1 - virtuallyRemoved
        guard tailIndex >= 0, chain.ids[tailIndex] == item.id else { return nil }
        return entry
    }
}

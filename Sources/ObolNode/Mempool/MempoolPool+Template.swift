import ObolCore

/// Choosing transfers for a block, and listing the pool.
extension MempoolPool {
    /// Transfers for the next block: highest fee rate first, each sender's in
    /// nonce order (a sender's transfer becomes eligible once its previous nonce
    /// is in), at most `maxCount` transfers and `maxBytes` encoded bytes. A
    /// transfer that does not fit ends its sender's run; smaller ones of other
    /// senders may still fill the space.
    public func template(maxCount: Int, maxBytes: Int) -> [Transfer] {
        guard maxCount > 0, maxBytes > 0 else { return [] }
        var heap = Heap<TemplateItem>(chains.compactMap { sender, chain in
            chain.ids.first.flatMap { entries[$0] }.map {
                TemplateItem(rate: $0.rate, sequence: $0.sequence, sender: sender, index: 0)
            }
        })
        var chosen: [Transfer] = []
        var bytes = 0
        while chosen.count < maxCount, let item = heap.popMin() {
            guard let chain = chains[item.sender], let entry = entries[chain.ids[item.index]] else { continue }
            guard entry.size <= maxBytes - bytes else { continue }
            chosen.append(entry.transfer)
            bytes += entry.size
            let next = item.index + 1
            if next < chain.ids.count, let following = entries[chain.ids[next]] {
                heap.insert(TemplateItem(rate: following.rate, sequence: following.sequence,
                                         sender: item.sender, index: next))
            }
        }
        return chosen
    }

    /// Every pending transfer, highest fee rate first (oldest first on a tie).
    /// Not in nonce order: use `template` to build a block.
    public func all() -> [Transfer] {
        entries.values
            .sorted { $0.rate != $1.rate ? $0.rate > $1.rate : $0.sequence < $1.sequence }
            .map(\.transfer)
    }

    /// The first `limit` transfers of `all()`'s order, chosen without sorting
    /// the pool: O(count × log limit) time and O(limit) memory, so a listing
    /// of a full pool costs the actor little.
    public func best(limit: Int) -> [Transfer] {
        let items = entries.lazy.map { id, entry in EvictionItem(rate: entry.rate, sequence: entry.sequence, id: id) }
        // EvictionItem orders worst first, so the largest `limit` are the best.
        return Self.largest(limit, of: items).compactMap { entries[$0.id]?.transfer }
    }

    /// At most `limit` pending transfers that `address` sends or receives: the
    /// ones it sends in nonce order, then the ones that pay it, oldest first.
    public func involving(_ address: Address, limit: Int) -> [Transfer] {
        guard limit > 0 else { return [] }
        let sent = pending(from: address).prefix(limit)
        let room = limit - sent.count
        guard room > 0 else { return Array(sent) }
        let incoming = entries.lazy
            .filter { $0.value.transfer.recipient == address && $0.value.transfer.senderAddress != address }
            .map { id, entry in ReverseOrder(value: AdmissionOrder(sequence: entry.sequence, id: id)) }
        let oldest = Self.largest(room, of: incoming).map(\.value)
        return Array(sent) + oldest.compactMap { entries[$0.id]?.transfer }
    }

    /// The `limit` largest of `items`, largest first: a bounded min-heap of the
    /// largest seen so far.
    static func largest<Item: Comparable>(_ limit: Int, of items: some Sequence<Item>) -> [Item] {
        guard limit > 0 else { return [] }
        var kept = Heap<Item>()
        for item in items {
            if kept.count < limit {
                kept.insert(item)
            } else if let smallest = kept.min, smallest < item {
                _ = kept.popMin()
                kept.insert(item)
            }
        }
        var ascending: [Item] = []
        ascending.reserveCapacity(kept.count)
        while let item = kept.popMin() { ascending.append(item) }
        return ascending.reversed()
    }
}

/// A pending transfer by admission order, oldest first.
struct AdmissionOrder: Comparable {
    let sequence: UInt64
    let id: Hash256
    static func < (a: AdmissionOrder, b: AdmissionOrder) -> Bool { a.sequence < b.sequence }
}

/// `Item` in the opposite order.
struct ReverseOrder<Item: Comparable>: Comparable {
    let value: Item
    static func < (a: ReverseOrder, b: ReverseOrder) -> Bool { b.value < a.value }
}

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
}

import ObolCore

/// Following the best chain: confirmed transfers leave, transfers of
/// disconnected blocks come back, and touched senders are rebuilt from their
/// fresh accounts on `tipChanged`.
extension MempoolPool {
    /// Removes the block's transfers (`.confirmed`) and every pending transfer
    /// of the same senders whose nonce the block has used (`.invalidated`).
    /// The senders are marked for `revalidate`: their balances dropped.
    public mutating func blockConnected(_ block: Block) -> [MempoolEvent] {
        var confirmed = Set<Hash256>()
        var highest: [Address: UInt64] = [:]
        var senders: [Address] = []
        for transfer in block.transfers {
            let sender = transfer.senderAddress
            confirmed.insert(transfer.id)
            if let top = highest[sender] {
                highest[sender] = max(top, transfer.nonce)
            } else {
                highest[sender] = transfer.nonce
                senders.append(sender)
            }
            dirty.insert(sender)
        }

        var events: [MempoolEvent] = []
        for sender in senders {
            guard let top = highest[sender] else { continue }
            // The new branch holds these nonces: waiting reorg candidates are confirmed or conflict.
            if let waiting = reorgCandidates[sender] {
                let left = waiting.filter { $0.key > top }
                reorgCandidates[sender] = left.isEmpty ? nil : left
            }
            guard chains[sender].map({ top >= $0.firstNonce }) == true, var chain = chains.removeValue(forKey: sender)
            else { continue }
            let used = top - chain.firstNonce >= UInt64(chain.ids.count) ? chain.ids.count
                : Int(top - chain.firstNonce) + 1
            for id in chain.ids.prefix(used) where removeEntry(id) != nil {
                events.append(.removed(id, reason: confirmed.contains(id) ? .confirmed : .invalidated))
            }
            chain.removePrefix(used)
            if chain.count > 0 { chains[sender] = chain }
        }
        compactHeapsIfNeeded()
        return events
    }

    /// Holds the block's transfers as candidates to come back on the next
    /// `revalidate` (they passed validation on the abandoned branch, so their
    /// signatures are not checked again). Senders, recipients and the coinbase
    /// recipient are marked: their balances change when the block leaves.
    public mutating func blockDisconnected(_ block: Block) {
        for transfer in block.transfers {
            let sender = transfer.senderAddress
            if entries[transfer.id] == nil {
                reorgCandidates[sender, default: [:]][transfer.nonce] = transfer
            }
            dirty.insert(sender)
            dirty.insert(transfer.recipient)
        }
        for coinbase in block.transactions.lazy.compactMap(\.coinbase) {
            dirty.insert(coinbase.recipient)
        }
    }

    /// Has the next `revalidate` rebuild `address` from a fresh account
    /// (for an admission whose account read may predate the pool's state).
    public mutating func markForRevalidation(_ address: Address) {
        dirty.insert(address)
    }

    /// Has the next `revalidate` rebuild every sender: after the mempool missed
    /// chain events (a bounded subscription dropped some), nothing it holds can
    /// be trusted to match the chain until rebuilt from accounts at one tip.
    public mutating func markAllForRevalidation() {
        dirty.formUnion(chains.keys)
    }

    /// The addresses whose fresh accounts `revalidate` needs: those touched by
    /// chain events since the last revalidation that have pending transfers or
    /// candidates from disconnected blocks. Forgets the other touched ones.
    public mutating func addressesToRevalidate() -> [Address] {
        dirty = dirty.filter { chains[$0] != nil || reorgCandidates[$0] != nil }
        return dirty.sorted()
    }

    /// Rebuilds each given sender's chain from its account at the new tip:
    /// starting at the account's nonce, each next nonce is taken from the
    /// disconnected blocks' candidates first, else from the pending chain, while
    /// the balance covers the running total. Pending transfers left out are
    /// removed (`.invalidated`); candidates taken in are `.accepted`. Then the
    /// lowest fee-rate chain ends are evicted if the pool is over its limits.
    /// A rebuilt chain holds at most `config.maxPerSender` transfers.
    public mutating func revalidate(accounts: [Address: Account], now: UInt64) -> [MempoolEvent] {
        var removals: [MempoolEvent] = []
        var acceptances: [MempoolEvent] = []
        for (address, account) in accounts.sorted(by: { $0.key < $1.key }) {
            dirty.remove(address)
            rebuild(address, from: account, now: now, removals: &removals, acceptances: &acceptances)
        }
        var events = removals + acceptances
        events += evictUntilWithinLimits()
        compactHeapsIfNeeded()
        return events
    }

    private mutating func rebuild(_ address: Address, from account: Account, now: UInt64,
                                  removals: inout [MempoolEvent], acceptances: inout [MempoolEvent]) {
        let candidates = reorgCandidates.removeValue(forKey: address) ?? [:]
        let old = chains[address]
        var pendingByNonce: [UInt64: Hash256] = [:]
        if let old {
            for (offset, id) in old.ids.enumerated() { pendingByNonce[old.firstNonce + UInt64(offset)] = id }
        }

        var rebuilt: [MempoolEntry] = []
        var kept = Set<Hash256>()
        var nonce = account.nonce
        var spent: UInt64 = 0
        let spendable = spendable(account)
        while rebuilt.count < config.maxPerSender {
            let transfer: Transfer
            let comesBack: Bool
            if let candidate = candidates[nonce], entries[candidate.id] == nil {
                (transfer, comesBack) = (candidate, true)
            } else if let id = pendingByNonce[nonce], let entry = entries[id] {
                (transfer, comesBack) = (entry.transfer, false)
            } else {
                break
            }
            guard let cost = transfer.totalCost else { break }
            let (total, overflow) = spent.addingReportingOverflow(cost)
            guard !overflow, total <= spendable else { break }
            spent = total
            if comesBack {
                rebuilt.append(insertEntry(transfer, addedAt: now, verified: true))
                acceptances.append(.accepted(transfer, origin: .local))
            } else if let entry = entries[transfer.id] {
                kept.insert(transfer.id)
                rebuilt.append(entry)
            }
            guard nonce < .max else { break }
            nonce += 1
        }

        for id in old?.ids ?? [] where !kept.contains(id) && removeEntry(id) != nil {
            removals.append(.removed(id, reason: .invalidated))
        }
        chains[address] = rebuilt.isEmpty ? nil : SenderChain(firstNonce: account.nonce, entries: rebuilt)
        noteTail(of: address)
    }
}

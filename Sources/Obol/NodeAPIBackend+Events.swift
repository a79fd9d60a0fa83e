import ObolAPI
import ObolCore
import ObolNode
import Synchronization

extension NodeAPIBackend {
    /// The chain's and the mempool's events merged into one bounded stream of API events, with no
    /// task of its own: both hubs yield into the stream's continuation as they publish. A block
    /// involving `address` is told as `.wallet` right after the `.tip` it leads to (so that a reader
    /// re-reading the wallet sees the new tip); a mempool transfer from or to it as `.wallet` after
    /// its `.mempool`, and so is the removal of such a transfer for any reason but confirmation (the
    /// block tells that one).
    public func events(watching address: Address?, bufferingNewest limit: Int) -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(max(1, limit)))
        let watch = WalletWatch()
        let chain = node.chain.events.subscribe({ event in
            switch event {
            case let .tipChanged(tip):
                continuation.yield(.tip(height: tip.height, hash: tip.hash))
                if watch.takeBlockFlag() { continuation.yield(.wallet) }
            case let .blockConnected(block, _, _), let .blockDisconnected(block, _):
                if let address, block.involves(address) { watch.flagBlock() }
            case .blockAccepted:
                break
            }
        }, onFinish: { continuation.finish() })
        let mempool = node.mempool.subscribe({ event in
            continuation.yield(.mempool)
            switch event {
            case let .accepted(transfer, _):
                if let address, transfer.involves(address) {
                    watch.insert(transfer.id)
                    continuation.yield(.wallet)
                }
            case let .removed(txid, reason):
                if watch.remove(txid), reason != .confirmed { continuation.yield(.wallet) }
            }
        }, onFinish: { continuation.finish() })
        continuation.onTermination = { _ in
            chain.cancel()
            mempool.cancel()
        }
        return stream
    }
}

/// What one events stream remembers of the watched address: its transfers in the mempool (a removal
/// carries only the txid) and whether a block since the last tip involved it.
private final class WalletWatch: Sendable {
    private let state = Mutex<(txids: Set<Hash256>, blockFlag: Bool)>(([], false))

    func insert(_ txid: Hash256) { state.withLock { _ = $0.txids.insert(txid) } }
    func remove(_ txid: Hash256) -> Bool { state.withLock { $0.txids.remove(txid) != nil } }
    func flagBlock() { state.withLock { $0.blockFlag = true } }

    func takeBlockFlag() -> Bool {
        state.withLock { s in
            defer { s.blockFlag = false }
            return s.blockFlag
        }
    }
}

extension Transfer {
    fileprivate func involves(_ address: Address) -> Bool { recipient == address || senderAddress == address }
}

extension Block {
    fileprivate func involves(_ address: Address) -> Bool {
        transactions.contains { tx in
            switch tx {
            case let .coinbase(coinbase): coinbase.recipient == address
            case let .transfer(transfer): transfer.involves(address)
            }
        }
    }
}

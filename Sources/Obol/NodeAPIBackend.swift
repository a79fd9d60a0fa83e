import Logging
import ObolAPI
import ObolCore
import ObolNode

/// Serves the HTTP API from a running `Node`.
public struct NodeAPIBackend: NodeBackend {
    public let node: Node

    public init(node: Node) {
        self.node = node
    }

    public var params: ChainParams { node.configuration.params }

    public func status() async -> NodeStatus {
        // The tip first: the best header read after it has at least its work.
        let tip = await node.chain.tip
        let header = await node.chain.bestHeader
        return NodeStatus(tip: tip, peers: await node.peers?.peerCount ?? 0, mempoolSize: await node.mempool.count,
                          hashRate: node.hashRate, headers: header.height, syncing: header.chainWork > tip.chainWork)
    }

    public func blockOutlines(from height: UInt64, limit: Int) async -> [BlockOutline] {
        await node.chain.outlines(from: height, limit: limit)
    }

    public func block(_ id: BlockID) async -> BlockRecord? {
        let chain = node.chain
        switch id {
        case let .hash(hash):
            guard let block = await chain.block(hash) else { return nil }
            return BlockRecord(block: block, onMainChain: await chain.isOnMainChain(hash))
        case let .height(height):
            guard let block = await chain.block(atHeight: height) else { return nil }
            return BlockRecord(block: block, onMainChain: true)
        }
    }

    public func transaction(_ txid: Hash256) async -> TransactionRecord? {
        if let (tx, location) = await node.chain.transaction(txid) {
            return .confirmed(ConfirmedTransaction(transaction: tx, location: location))
        }
        return await node.mempool.transfer(txid).map(TransactionRecord.pending)
    }

    public func account(_ address: Address, recentLimit: Int) async -> AccountRecord {
        // The tip first: should it move before the account is read, the
        // account is newer and the spendable part comes out low, not high.
        let nextHeight = await node.chain.tip.height + 1
        let account = await node.chain.account(address)
        let pendingNonce = await node.mempool.pendingNonce(for: address)
        let recent = await node.chain.history(of: address, limit: recentLimit)
            .map { ConfirmedTransaction(transaction: $0.0, location: $0.1) }
        return AccountRecord(account: account, pendingNonce: pendingNonce, recent: recent, nextHeight: nextHeight)
    }

    public func mempool(limit: Int) async -> (count: Int, transfers: [Transfer]) {
        let listing = await node.mempool.listing(limit: limit)
        return (listing.count, listing.best)
    }

    public func mempool(involving address: Address, limit: Int) async -> [Transfer] {
        await node.mempool.involving(address, limit: limit)
    }

    public func submit(_ transfer: Transfer) async -> SubmitOutcome {
        switch await node.submit(transfer) {
        case .success: return .accepted
        case let .failure(.invalid(error)): return .rejected(TransferRejection(error))
        case let .failure(rejection): return .rejected(TransferRejection(code: rejection.code, message: rejection.description))
        }
    }
}

extension APIServer {
    /// The HTTP API of `node`; with `metrics`, `GET /metrics` answers with its export
    /// (`PrometheusMetrics.emit`); with `wallet`, the `/wallet` routes sign with its key for whoever
    /// shows its token.
    public init(node: Node, host: String = "127.0.0.1", port: Int = 8080, wallet: NodeWallet? = nil,
                logger: Logger = Logger(label: "obol.api"),
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }, metrics: (@Sendable () -> String)? = nil) {
        self.init(backend: NodeAPIBackend(node: node), host: host, port: port, wallet: wallet, logger: logger,
                  onListening: onListening, metrics: metrics)
    }
}

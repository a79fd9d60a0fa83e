import ObolAPI
import ObolCore
import ObolNode

/// An in-memory node over `ChainFixture`: the account state is the real one
/// after connecting the fixture's blocks, and `submit` applies the account
/// rules the way a mempool would, recording what it accepted.
actor FakeBackend: NodeBackend {
    nonisolated let params: ChainParams
    private let fixture: ChainFixture
    private var state: AccountState
    private var pool: [Transfer]
    private(set) var submitted: [Transfer] = []
    private(set) var peerList: [PeerRecord] = [FakeBackend.inboundPeer, FakeBackend.outboundPeer]
    private(set) var banList: [BanRecord] = [BanRecord(host: "10.0.0.66", until: FakeBackend.now + 3_600, reason: "spam")]
    /// The events `events(watching:bufferingNewest:)` streams: tests publish into it.
    nonisolated let eventFeed = FakeEventFeed()
    /// What `connectPeer` and `ban` answer for a host, instead of connecting or banning.
    private var refusals: [String: PeerRefusal.Code] = [:]

    /// - Parameter coinbaseMaturity: the network's maturity (the fixture's
    ///   `test` preset has none); the fixture's miner never spends, so its
    ///   blocks connect under any.
    init(fixture: ChainFixture = .shared, coinbaseMaturity: UInt64? = nil) {
        self.fixture = fixture
        var params = fixture.params
        if let coinbaseMaturity { params.coinbaseMaturity = coinbaseMaturity }
        self.params = params
        var state = AccountState(genesis: params)
        for block in fixture.mainChain.dropFirst() {
            _ = try! state.connect(block, params: params)
        }
        self.state = state
        pool = [fixture.pending]
    }

    func status() -> NodeStatus {
        let tip = fixture.block2
        return NodeStatus(tip: ChainTip(hash: tip.hash, height: tip.height, chainWork: UInt256(3), header: tip.header),
                          peers: peerList.count { $0.established }, mempoolSize: pool.count, hashRate: 1234.5,
                          headers: 5, syncing: true)
    }

    func blockOutlines(from height: UInt64, limit: Int) -> [BlockOutline] {
        fixture.mainChain.filter { $0.height >= height }.prefix(limit).map(BlockOutline.init)
    }

    func block(_ id: BlockID) -> BlockRecord? {
        switch id {
        case let .height(height):
            return fixture.mainChain.first { $0.height == height }.map { BlockRecord(block: $0, onMainChain: true) }
        case let .hash(hash):
            if let block = fixture.mainChain.first(where: { $0.hash == hash }) {
                return BlockRecord(block: block, onMainChain: true)
            }
            return fixture.sideBlock1.hash == hash ? BlockRecord(block: fixture.sideBlock1, onMainChain: false) : nil
        }
    }

    func transaction(_ txid: Hash256) -> TransactionRecord? {
        if let confirmed = confirmedTransactions().first(where: { $0.transaction.id == txid }) {
            return .confirmed(confirmed)
        }
        return pool.first { $0.id == txid }.map(TransactionRecord.pending)
    }

    func account(_ address: Address, recentLimit: Int) -> AccountRecord {
        let account = state[address]
        let pendingCount = pool.filter { $0.senderAddress == address }.count
        let recent = confirmedTransactions().reversed().filter { confirmed in
            switch confirmed.transaction {
            case let .coinbase(c): c.recipient == address
            case let .transfer(t): t.senderAddress == address || t.recipient == address
            }
        }
        return AccountRecord(account: account, pendingNonce: account.nonce + UInt64(pendingCount),
                             recent: Array(recent.prefix(recentLimit)), nextHeight: fixture.block2.height + 1)
    }

    func mempool(limit: Int) -> (count: Int, transfers: [Transfer]) {
        (pool.count, Array(pool.sorted { FeeRate($0) > FeeRate($1) }.prefix(limit)))
    }

    func mempool(involving address: Address, limit: Int) -> [Transfer] {
        Array(pool.filter { $0.senderAddress == address || $0.recipient == address }.prefix(limit))
    }

    func submit(_ transfer: Transfer) -> SubmitOutcome {
        do {
            try TransferRules.checkSanityAndSignature(transfer, params: params)
            var account = state[transfer.senderAddress]
            account.nonce += UInt64(pool.filter { $0.senderAddress == transfer.senderAddress }.count)
            try TransferRules.checkAgainstAccount(transfer, account, atHeight: fixture.block2.height + 1,
                                                  maturity: params.coinbaseMaturity)
        } catch {
            return .rejected(TransferRejection(error))
        }
        pool.append(transfer)
        submitted.append(transfer)
        return .accepted
    }

    // MARK: Peers

    /// The fake's clock: bans end at `now + duration`.
    static let now: UInt64 = 1_700_000_000

    static let inboundPeer = PeerRecord(
        id: 1, nodeID: String(repeating: "ab", count: 32), address: "203.0.113.7:40001", direction: .inbound,
        height: 2, work: UInt256(3), connectedSince: now - 600, bytesSent: 1_000, bytesReceived: 2_000, pingMs: 12.5,
        userAgent: "obol/0.1", established: true, isStatic: false)
    static let outboundPeer = PeerRecord(
        id: 2, nodeID: String(repeating: "cd", count: 32), address: "[2001:db8::1]:9333", direction: .outbound,
        height: 1, work: UInt256(2), connectedSince: now - 60, bytesSent: 300, bytesReceived: 400, pingMs: nil,
        userAgent: "obol/0.1", established: false, isStatic: true)

    /// Makes `connectPeer` and `ban` refuse `host` with `code`.
    func refuse(_ host: String, with code: PeerRefusal.Code) {
        refusals[host] = code
    }

    func peers() -> [PeerRecord] { peerList }

    func connectPeer(host: String, port: Int) throws(PeerRefusal) -> PeerRecord {
        if let code = refusals[host] { throw PeerRefusal(code, "refused \(host) with \(code.rawValue)") }
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard !peerList.contains(where: { $0.address == address }) else {
            throw PeerRefusal(.duplicate, "already connected to \(address)")
        }
        let peer = PeerRecord(id: (peerList.map(\.id).max() ?? 0) + 1, nodeID: String(repeating: "ef", count: 32),
                              address: address, direction: .outbound, height: 0, work: .zero,
                              connectedSince: Self.now, bytesSent: 0, bytesReceived: 0, pingMs: nil, userAgent: "",
                              established: false, isStatic: false)
        peerList.append(peer)
        return peer
    }

    func bans() -> [BanRecord] { banList }

    func discouraged() -> [DiscouragedRecord] {
        [DiscouragedRecord(host: "10.0.0.99", reason: "invalid block 00ff: bad-signature", since: FakeBackend.now - 60)]
    }

    func ban(host: String, duration: UInt64, reason: String) throws(PeerRefusal) -> BanRecord {
        if let code = refusals[host] { throw PeerRefusal(code, "refused \(host) with \(code.rawValue)") }
        let ban = BanRecord(host: host, until: Self.now + duration, reason: reason)
        banList.removeAll { $0.host == host }
        banList.append(ban)
        peerList.removeAll { $0.address.hasPrefix(host.contains(":") ? "[\(host)]:" : "\(host):") }
        return ban
    }

    func unban(host: String) -> Bool {
        let before = banList.count
        banList.removeAll { $0.host == host }
        return banList.count < before
    }

    private func confirmedTransactions() -> [ConfirmedTransaction] {
        fixture.mainChain.flatMap { block in
            block.transactions.enumerated().map { index, tx in
                ConfirmedTransaction(transaction: tx, location: TransactionLocation(
                    txid: tx.id, blockHash: block.hash, height: block.height, index: index))
            }
        }
    }
}

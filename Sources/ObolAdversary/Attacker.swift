import ObolCore
import ObolNode
import ObolWire

/// Runs the attacks of `AttackKind` against running nodes. It reads the honest chain from a node of its
/// own that follows the network (`chain`), forges from there, and sends each lie over a new connection
/// from the host it is given, so that what the nodes do about each attack (`GET /peers/discouraged`) can be
/// told apart.
public struct Attacker: Sendable {
    public let params: ChainParams
    /// The attacker's own, honest, view of the chain.
    public let chain: ChainActor
    /// A transport whose connections come from the given host.
    public let transport: @Sendable (String) throws -> any PeerTransport
    /// A funded key for the double spend, and the sender whose signature the forged transfer claims.
    public let key: PrivateKey
    public let clock: any NodeClock
    let forge: BlockForge

    public init(params: ChainParams, chain: ChainActor, key: PrivateKey, clock: any NodeClock,
                transport: @escaping @Sendable (String) throws -> any PeerTransport) {
        self.params = params
        self.chain = chain
        self.key = key
        self.clock = clock
        self.transport = transport
        forge = BlockForge(params: params, miner: key.publicKey.address)
    }

    /// The coins the double spend sends twice, each way.
    public static let doubleSpendAmount = ChainParams.coin

    /// Why `attack` cannot run yet (nil: it can): nothing to replay, no coins to spend twice, or an honest
    /// chain with so little work that a low-work fork could outweigh it.
    public func notReady(for attack: AttackKind) async -> String? {
        switch attack {
        case .replayedTransfer:
            return await minedTransfer() == nil ? "no transfer is mined yet" : nil
        case .doubleSpend:
            let needed = Self.doubleSpendAmount + params.minimumFee
            let balance = await chain.account(key.publicKey.address).balance
            return balance < needed ? "\(key.publicKey.address) holds \(balance), needs \(needed)" : nil
        case .lowWorkFork:
            let tip = await chain.tip
            let perBlock = params.initialBits.target?.workForTarget ?? .zero
            let forkWork = perBlock.multipliedReportingOverflow(by: UInt64(Self.forkLength(tip.height))).partialValue
            return forkWork + forkWork > tip.chainWork ? "the honest chain has less than twice a fork's work" : nil
        default:
            return nil
        }
    }

    /// Runs `attack` from `host` against `targets` (the double spend uses two when given two).
    public func run(_ attack: AttackKind, from host: String, targets: [PeerEndpoint]) async -> AttackReport {
        var report = AttackReport(attack: attack, source: host, targets: targets.map(\.description))
        do {
            guard let target = targets.first else { throw AttackSessionError("no target") }
            switch attack {
            case .badSignature, .badProofOfWork, .badMerkleRoot, .splicedBlock:
                let (line, dropped) = try await sendOnTip(from: host, to: target) { context in
                    try await self.forgery(attack, on: context)
                }
                report.sent = [line]
                report.dropped = dropped
            case .replayedTransfer:
                try await replay(into: &report, from: host, to: target)
            case .doubleSpend:
                try await doubleSpend(into: &report, from: host, to: targets)
            case .lowWorkFork:
                let tip = await chain.tip
                let fork = try forge.forkFromGenesis(length: Self.forkLength(tip.height))
                let headers = fork.map(\.header)
                report.forkTip = headers.last?.hash.description
                report.sent = ["\(headers.count) headers from genesis (the honest chain has \(tip.height)), "
                    + "with \(percent(BlockForge.work(of: headers), of: tip.chainWork)) of its work"]
                report.dropped = try await sendAndCheck(.headers(headers), from: host, to: target)
            }
        } catch {
            report.failure = "\(error)"
        }
        return report
    }

    /// A fork from genesis five blocks longer than a chain of `height` blocks, within one `headers` message.
    static func forkLength(_ height: UInt64) -> Int { Int(min(height + 5, UInt64(FrameLimits.maxHeaders))) }

    /// Attempts at sending a block before the network finds the next one.
    static let maxAttempts = 20

    // MARK: Forging

    /// A block to send: a draft on the tip, whether it still needs its proof of work, and what it is.
    struct Forgery: Sendable {
        var draft: Block
        var needsWork = true
        var describe: @Sendable (Block) -> String
    }

    private func forgery(_ attack: AttackKind, on context: MiningContext) async throws -> Forgery {
        let now = clock.now()
        let height = context.height
        switch attack {
        case .badSignature:
            let forged = Transfer.signed(by: key, networkID: params.networkID, to: PrivateKey.generate().publicKey.address,
                                         amount: 1, fee: params.minimumFee,
                                         nonce: await chain.account(key.publicKey.address).nonce)
                .withSignature(Signature(bytes: [UInt8](repeating: 7, count: 64))!)
            return Forgery(draft: forge.draft(on: context, transfers: [forged], timestamp: now)) {
                "block \($0.hash) at height \(height) whose transfer has a forged signature"
            }
        case .badProofOfWork:
            var draft = forge.draft(on: context, transfers: [], timestamp: now)
            draft.header = BlockForge.unmine(draft.header)
            return Forgery(draft: draft, needsWork: false) { "block \($0.hash) at height \(height) whose hash misses its target" }
        case .badMerkleRoot:
            let wrongRoot = Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
            return Forgery(draft: forge.draft(on: context, transfers: [], timestamp: now, merkleRoot: wrongRoot)) {
                "block \($0.hash) at height \(height) with valid work and a wrong Merkle root"
            }
        default:
            // On the block in the middle, with the bits its child must carry: only the height lies.
            let middle = max(1, height / 2)
            let windowStart = Retarget.windowStartHeight(for: middle + 1, params: params)
            guard let parent = await chain.block(atHeight: middle)?.header,
                  let start = await chain.block(atHeight: windowStart)?.header else {
                throw AttackSessionError("no block at \(middle)")
            }
            var spliced = context
            spliced.previousHash = parent.hash
            spliced.bits = Retarget.nextBits(height: middle + 1, parentBits: parent.bits, parentTimestamp: parent.timestamp,
                                             windowStartTimestamp: start.timestamp, params: params)
            return Forgery(draft: forge.draft(on: spliced, transfers: [], timestamp: now)) {
                "block \($0.hash) on block \(middle), claiming height \(height)"
            }
        }
    }

    /// Forges a block on the tip with `make`, mines it, and sends it over a new connection from `host`;
    /// returns what was sent and whether the node hung up for it.
    ///
    /// A block must arrive as a candidate for the node's tip: one that the network has overtaken is kept as
    /// a stale side branch and never validated (as Bitcoin Core does), so it proves nothing. The attacker
    /// therefore mines again whenever its own node sees a new tip, and does not send when the node it
    /// reaches is already higher.
    private func sendOnTip(from host: String, to target: PeerEndpoint,
                           _ make: @Sendable (MiningContext) async throws -> Forgery) async throws -> (String, Bool) {
        for _ in 0..<Self.maxAttempts {
            let context = await chain.miningContext()
            let forgery = try await make(context)
            var block = forgery.draft
            if forgery.needsWork {
                let chain = chain
                guard let header = try await BlockForge.mine(block.header, while: {
                    await chain.tip.hash == context.previousHash
                }) else { continue }
                block.header = header
            }
            let mined = block
            let dropped: Bool? = try await session(from: host, to: target) { session in
                guard let theirs = session.nodeVersion, theirs.bestHeight < mined.header.height else { return nil }
                try await session.send(.block(mined))
                return try await !session.stillConnected()
            }
            if let dropped { return (forgery.describe(block), dropped) }
        }
        throw AttackSessionError("the network found the next block first \(Self.maxAttempts) times")
    }

    /// The most recently mined transfer on the attacker's chain.
    private func minedTransfer() async -> Transfer? {
        var height = await chain.tip.height
        while height > 0 {
            if let transfer = await chain.block(atHeight: height)?.transactions.lazy.compactMap(\.transfer).first {
                return transfer
            }
            height -= 1
        }
        return nil
    }

    private func replay(into report: inout AttackReport, from host: String, to target: PeerEndpoint) async throws {
        guard let transfer = await minedTransfer() else { throw AttackSessionError("no transfer is mined yet") }
        report.transfers = [transfer.id.description]
        report.sent = ["transfer \(transfer.id), already mined, relayed again"]
        if try await sendAndCheck(.tx(transfer), from: host, to: target) {
            report.dropped = true
            return
        }
        let (line, dropped) = try await sendOnTip(from: host, to: target) { context in
            Forgery(draft: self.forge.draft(on: context, transfers: [transfer], timestamp: self.clock.now())) { "block \($0.hash) holding it again" }
        }
        report.sent.append(line)
        report.dropped = dropped
    }

    private func doubleSpend(into report: inout AttackReport, from host: String, to targets: [PeerEndpoint]) async throws {
        let nonce = await chain.account(key.publicKey.address).nonce
        let spends = (0..<2).map { _ in
            Transfer.signed(by: key, networkID: params.networkID, to: PrivateKey.generate().publicKey.address,
                            amount: Self.doubleSpendAmount, fee: params.minimumFee, nonce: nonce)
        }
        report.transfers = spends.map { $0.id.description }
        let second = targets.count > 1 ? targets[1] : targets[0]
        for (spend, target) in zip(spends, [targets[0], second]) {
            report.sent.append("transfer \(spend.id) of nonce \(nonce) to \(target)")
            if try await sendAndCheck(.tx(spend), from: host, to: target) {
                report.dropped = true
                return
            }
        }
        let (line, dropped) = try await sendOnTip(from: host, to: targets[0]) { context in
            Forgery(draft: self.forge.draft(on: context, transfers: spends, timestamp: self.clock.now())) { "block \($0.hash) holding both" }
        }
        report.sent.append(line)
        report.dropped = dropped
    }

    // MARK: Connections

    /// Sends `message` over a new connection and tells whether the node dropped the connection for it.
    private func sendAndCheck(_ message: Message, from host: String, to target: PeerEndpoint) async throws -> Bool {
        try await session(from: host, to: target) { session in
            try await session.send(message)
            return try await !session.stillConnected()
        }
    }

    private func session<Result: Sendable>(from host: String, to target: PeerEndpoint,
                                           _ script: @escaping @Sendable (inout AttackSession) async throws -> Result)
        async throws -> Result {
        let link = try await transport(host).connect(to: target)
        return try await AttackSession.run(over: link, params: params) { session in
            try await session.exchangeVersions()
            return try await script(&session)
        }
    }

    private func percent(_ part: UInt256, of whole: UInt256) -> String {
        guard whole > .zero else { return "?" }
        let basisPoints = part.multipliedReportingOverflow(by: 10_000).partialValue.dividedBy(whole).limbs.0
        return "\(basisPoints / 100).\(String(format: "%02d", basisPoints % 100))%"
    }
}

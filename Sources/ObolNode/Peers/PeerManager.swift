import Foundation
import Logging
import Metrics
import ObolCore
import ObolWire

/// The peer layer: the peer table, the address book, discouragement and bans, relay, and the parallel
/// headers-first sync. It talks to peers only through a `PeerTransport` (TCP with Noise in `ObolP2P`, an
/// in-memory one in tests) and never awaits a write: each peer has its own task with a reader and a
/// writer, and an outbox with a byte budget, so a slow peer slows nobody else.
///
/// Each peer's task reads one message at a time: the manager runs it through the peer's `PeerProtocol`
/// (a plain state machine) and hands back the work it calls for (`PeerWork`), which the peer's task does
/// off the actor: submitting a block to the chain, serving a `getdata`. The logic lives in plain values
/// (`PeerProtocol`, `BlockDownloader`, `TransferFetcher`, `AddressBook`, `BanList`, `InboundEviction`);
/// this actor carries out what they decide.
///
/// Run it with `run()` (the `Node` does); it dials the static peers, listens, relays and syncs until
/// cancelled.
public actor PeerManager {
    public let configuration: PeerManagerConfiguration
    let params: ChainParams
    let chain: ChainActor
    let mempool: MempoolActor
    let transport: any PeerTransport
    let clock: any NodeClock
    let logger: Logger
    nonisolated let metrics: PeerMetrics

    var slots: [UInt64: PeerSlot] = [:]
    var nextID: UInt64 = 1
    var downloader: BlockDownloader
    var fetcher: TransferFetcher
    var addressBook: AddressBook
    var banList: BanList
    /// Hosts that misbehaved: dropped first, never dialled (bounded, in memory only).
    var discouraged: DiscouragedHosts
    /// Endpoints being dialled, and when each may be dialled again.
    var dialing: Set<PeerEndpoint> = []
    var redialAt: [PeerEndpoint: (at: Duration, delay: Duration)] = [:]
    /// Endpoints that turned out to be this node.
    var selfEndpoints: Set<PeerEndpoint> = []
    var ourTip: ChainTip?
    var rng = SystemRandomNumberGenerator()
    var scheduling = false
    var rescheduleRequested = false
    var lastProgress: (at: Duration, height: UInt64)?
    var lastBookSave: Duration = .zero
    var bookChanged = false
    var running = false

    enum Job: Sendable {
        case dial(PeerEndpoint, isStatic: Bool)
        case run(any PeerLink, id: UInt64, outbox: PeerOutbox)
    }

    /// Connections and disconnections, to every subscriber.
    public nonisolated let changes = EventHub<PeerChange>()
    let jobs: AsyncStream<Job>
    let jobSink: AsyncStream<Job>.Continuation
    let tips: AsyncStream<ChainTip>
    let mempoolFeed: AsyncStream<MempoolEvent>

    /// - Parameters:
    ///   - transport: how peers are reached (`ObolP2P`'s TCP transport, or an in-memory one).
    ///   - metrics: makes the peer, byte and discouragement metrics (`docs/OPERATIONS.md`).
    public init(configuration: PeerManagerConfiguration, params: ChainParams, chain: ChainActor,
                mempool: MempoolActor, transport: any PeerTransport, clock: any NodeClock,
                logger: Logger = Logger(label: "obol.peers"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.metrics = PeerMetrics(factory: metrics)
        self.configuration = configuration
        self.params = params
        self.chain = chain
        self.mempool = mempool
        self.transport = transport
        self.clock = clock
        self.logger = logger
        downloader = BlockDownloader(maxPerPeer: configuration.blocksInFlightPerPeer,
                                     initialTimeout: configuration.initialBlockTimeout,
                                     maxTimeout: configuration.maxBlockTimeout)
        fetcher = TransferFetcher(timeout: configuration.transferFetchTimeout,
                                  maxPerPeer: configuration.maxPendingAnnouncementsPerPeer)
        discouraged = DiscouragedHosts(capacity: configuration.maxDiscouraged)
        addressBook = AddressBook()
        banList = BanList()
        if let directory = configuration.dataDirectory {
            do {
                addressBook = try AddressBook.load(from: Self.bookPath(directory))
                banList = try BanList.load(from: Self.banPath(directory))
            } catch {
                logger.warning("starting with an empty address book or ban list: \(error)")
            }
        }
        (jobs, jobSink) = AsyncStream.makeStream()
        // Subscribed now, so no tip or transfer of the first moments is missed.
        tips = chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> ChainTip? in
            if case let .tipChanged(tip) = event { tip } else { nil }
        }
        mempoolFeed = mempool.subscribe(bufferingPolicy: .bufferingNewest(50_000))
    }

    static func bookPath(_ directory: String) -> String { "\(directory)/peers.json" }
    static func banPath(_ directory: String) -> String { "\(directory)/bans.json" }

    // MARK: Running

    /// Listens, dials the static peers and keeps the outbound slots filled, relays and syncs, until the
    /// task is cancelled. Throws when the transport cannot listen.
    public nonisolated func run() async throws {
        await start()
        defer { jobSink.finish() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await self.transport.listen { link in
                    await self.runPeer(link, direction: .inbound, endpoint: link.remoteEndpoint, isStatic: false)
                }
            }
            group.addTask {
                for await tip in self.tips { await self.tipChanged(tip) }
            }
            group.addTask {
                for await event in self.mempoolFeed { await self.mempoolChanged(event) }
            }
            group.addTask { await self.tickLoop() }
            if let directory = self.configuration.directory {
                group.addTask { await self.runDirectory(directory) }
            }
            for await job in self.jobs {
                switch job {
                case let .dial(endpoint, isStatic):
                    group.addTask { await self.dial(endpoint, isStatic: isStatic) }
                case let .run(link, id, outbox):
                    group.addTask { await self.runAdmitted(link, id: id, outbox: outbox) }
                }
            }
            group.cancelAll()
        }
    }

    private func start() async {
        running = true
        ourTip = await chain.tip
        for endpoint in configuration.staticPeers { startDial(endpoint, isStatic: true) }
        fillOutboundSlots()
    }

    private nonisolated func tickLoop() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.tickInterval) } catch { break }
            await tick()
        }
        await stop()
    }

    private func stop() {
        running = false
        saveBook(force: true)
        changes.finish()
    }

    // MARK: Reading

    /// The connected peers, established or still in their handshake.
    public func peers() -> [PeerSummary] { slots.values.filter { !$0.closing }.map { $0.summary() }.sorted { $0.id < $1.id } }

    /// Peers whose handshake has completed.
    public var peerCount: Int { slots.values.count { $0.isEstablished } }

    /// Blocks requested and not yet received, by peer.
    public func blocksInFlight() -> [UInt64: Int] {
        downloader.inFlight.values.reduce(into: [:]) { $0[$1.peer, default: 0] += 1 }
    }

    /// The manual bans in force.
    public func bans() -> [PeerBan] {
        banList.expire(now: clock.now())
        return banList.bans
    }

    /// The address book's size (new and tried).
    public var knownAddresses: Int { addressBook.count }

    /// Whether the address book holds `endpoint`.
    public func knows(_ endpoint: PeerEndpoint) -> Bool { addressBook.contains(endpoint) }

    /// Whether `host` is discouraged (misbehaved recently).
    public func isDiscouraged(_ host: String) -> Bool { discouraged.contains(host) }

    /// The discouraged hosts with their first offence, the most recent first.
    public func discouragements() -> [Discouragement] { discouraged.newestFirst }

    /// The tip, the best header and whether blocks of the best header chain are missing.
    public func syncProgress() async -> SyncProgress {
        let tip = await chain.tip
        let header = await chain.bestHeader
        return SyncProgress(height: tip.height, headers: header.height,
                            syncing: header.chainWork > tip.chainWork, peers: peerCount)
    }

    // MARK: Commands

    /// Bans `host` for `seconds` from now (on the node's clock), drops its connections, and keeps the ban
    /// in the data directory. Nil when the list is full (`BanList.maxBans`) or the host is not valid.
    @discardableResult
    public func ban(host: String, for seconds: UInt64, reason: String) -> PeerBan? {
        let (until, overflow) = clock.now().addingReportingOverflow(seconds)
        guard banList.ban(host: host, until: overflow ? .max : until, reason: reason) else { return nil }
        for slot in slots.values where slot.endpoint.host == host { drop(slot.id, reason: "banned", discourage: false) }
        saveBans()
        return banList.bans.first { $0.host == host }
    }

    /// Lifts a manual ban; false when `host` was not banned.
    @discardableResult
    public func unban(host: String) -> Bool {
        let removed = banList.unban(host: host)
        if removed { saveBans() }
        return removed
    }

    /// Connects to `endpoint` now (the API's `POST /peers`), and returns the new peer once its encrypted
    /// handshake has completed (the protocol handshake follows).
    public func connect(to endpoint: PeerEndpoint) async throws(PeerConnectError) -> PeerSummary {
        guard running else { throw PeerConnectError(.notRunning, "the peer manager is not running") }
        if banList.isBanned(endpoint.host, now: clock.now()) {
            throw PeerConnectError(.banned, "\(endpoint.host) is banned")
        }
        let link: any PeerLink
        do {
            link = try await transport.connect(to: endpoint)
        } catch {
            throw PeerConnectError(.unreachable, "cannot connect to \(endpoint): \(error)")
        }
        addressBook.add([endpoint], source: "manual", now: clock.now())
        switch await admit(link, direction: .outbound, endpoint: endpoint, isStatic: false) {
        case let .failure(error):
            await link.close()
            throw error
        case let .success((id, outbox)):
            jobSink.yield(.run(link, id: id, outbox: outbox))
            return slots[id]!.summary()
        }
    }
}

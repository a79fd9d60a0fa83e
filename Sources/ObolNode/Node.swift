import Foundation
import Logging
import Metrics
import ObolCore
import ObolWire
import ServiceLifecycle

/// A full node: the chain, the mempool and (optionally) the miner, wired
/// through their event streams. Run it as a `Service`, alone or in a
/// `ServiceGroup` next to the HTTP API; cancelling `run()` or a graceful
/// shutdown stops the miner first and the chain last, and then finishes every
/// event stream (an embedder's `for await` ends).
///
/// ```swift
/// let node = try Node(configuration: .init(params: .devnet), store: MemoryChainStore())
/// let events = node.chainEvents(bufferingPolicy: .bufferingNewest(16))  // subscribe before running
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await node.run() }
///     for await event in events { print(event) }
/// }
/// ```
public final class Node: Service, Sendable {
    public let configuration: NodeConfiguration
    public let chain: ChainActor
    public let mempool: MempoolActor
    public let miner: Miner?
    /// The peer layer (nil for a node without a transport: alone, as in most tests and embeddings).
    public let peers: PeerManager?
    public let signatureCache: SignatureCache
    private let clock: any NodeClock
    let logger: Logger
    // Subscribed in init, so nothing published before `run()` is missed.
    /// Bounded (`MempoolConfig.chainEventBuffer`); a gap makes the mempool resynchronize.
    private let mempoolFeed: AsyncStream<ChainEvent>
    private let mempoolDrops: EventDrops
    /// The miner's own view of the chain: only tips, the newest one (nil when not mining).
    private let minerTips: AsyncStream<Hash256>?
    private let mempoolChangeFeed: AsyncStream<MempoolEvent>
    private let logFeed: AsyncStream<LogLine>

    /// What the node logs of the chain's events (no block bodies held in the buffer).
    private enum LogLine: Sendable {
        case tip(ChainTip)
        case accepted(Hash256, height: UInt64, origin: Origin)
    }

    /// A node over `store` (`MemoryChainStore`, or ObolStore's `SQLiteChainStore`;
    /// the `Obol` module's `init(configuration:clock:)` opens the one
    /// `configuration.dataDirectory` names).
    /// With a `transport`, the node has peers (`peers`, set up by `configuration.peers`); `ObolP2P`'s
    /// TCP transport reaches real ones.
    public convenience init(configuration: NodeConfiguration, store: any ChainStore,
                            transport: (any PeerTransport)? = nil, clock: any NodeClock = SystemClock()) throws {
        try self.init(configuration: configuration, store: store, transport: transport, clock: clock,
                      minerHooks: Miner.Hooks())
    }

    init(configuration: NodeConfiguration, store: any ChainStore, transport: (any PeerTransport)? = nil,
         clock: any NodeClock, minerHooks: Miner.Hooks) throws {
        self.configuration = configuration
        self.clock = clock
        logger = configuration.logger
        let params = configuration.params
        let metrics = configuration.metrics ?? MetricsSystem.factory
        let cache = SignatureCache(metrics: metrics)
        signatureCache = cache
        let chain = try ChainActor(params: params, store: store, clock: clock,
                                   verifier: ParallelSignatureVerifier(cache: cache,
                                                                       workers: configuration.verificationThreads),
                                   options: configuration.chain, logger: configuration.logger, metrics: metrics)
        self.chain = chain
        let mempool = MempoolActor(params: params, accounts: chain, config: configuration.mempool, clock: clock,
                                   metrics: metrics)
        self.mempool = mempool
        if let mining = configuration.mining {
            miner = Miner(params: params, config: mining, clock: clock, logger: configuration.logger,
                          hooks: minerHooks, metrics: metrics,
                          context: { await chain.miningContext() },
                          transfers: { count, bytes in await mempool.template(maxCount: count, maxBytes: bytes) },
                          submit: { block in await chain.submit(block) })
        } else {
            miner = nil
        }
        peers = transport.map {
            PeerManager(configuration: configuration.peers, params: params, chain: chain, mempool: mempool,
                        transport: $0, clock: clock, logger: configuration.logger, metrics: metrics)
        }
        // The mempool needs every connect and disconnect, not side-branch blocks.
        (mempoolFeed, mempoolDrops) = chain.events.subscribeCountingDrops(
            bufferingPolicy: .bufferingNewest(configuration.mempool.chainEventBuffer)
        ) { if case .blockAccepted = $0 { false } else { true } }
        minerTips = miner == nil ? nil : chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> Hash256? in
            if case let .tipChanged(tip) = event { tip.hash } else { nil }
        }
        // Small events; missing one only costs a signature check later.
        mempoolChangeFeed = mempool.subscribe(bufferingPolicy: .bufferingNewest(configuration.mempool.maxCount))
        logFeed = chain.events.subscribe(bufferingPolicy: .bufferingNewest(64)) { event -> LogLine? in
            switch event {
            case let .tipChanged(tip): .tip(tip)
            case let .blockAccepted(block, height, origin): .accepted(block.hash, height: height, origin: origin)
            case .blockConnected, .blockDisconnected: nil
            }
        }
    }

    /// Runs until cancelled or until graceful shutdown.
    public func run() async throws {
        await chain.resumeBestChain()
        await loadMempool()
        let tip = await chain.tip
        logger.info("node started", metadata: [
            "network": "\(configuration.params.name)", "height": "\(tip.height)", "tip": "\(tip.hash)",
            "mining": "\(miner != nil)",
        ])
        let (mempoolTips, mempoolTipSink) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (changes, changeSink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // The mempool reports each tip once handled: the miner restarts on
                // a tip only then, so its template never carries transfers the tip
                // confirmed. (It stops on its own subscription, without waiting.)
                group.addTask {
                    await self.mempool.run(events: self.mempoolFeed, drops: self.mempoolDrops) { event in
                        if case let .tipChanged(t) = event { mempoolTipSink.yield(t.hash) }
                    }
                    mempoolTipSink.finish()
                }
                // Admitted transfers were verified: blocks carrying them skip re-verification.
                group.addTask {
                    for await event in self.mempoolChangeFeed {
                        if case let .accepted(transfer, _) = event { self.signatureCache.insert(transfer) }
                        changeSink.yield()
                    }
                    changeSink.finish()
                }
                group.addTask {
                    for await line in self.logFeed {
                        switch line {
                        case let .tip(tip):
                            self.logger.info("new tip", metadata: [
                                "height": "\(tip.height)", "hash": "\(tip.hash)", "bits": "\(tip.header.bits)",
                            ])
                        case let .accepted(hash, height, origin):
                            self.logger.info("side-branch block", metadata: [
                                "height": "\(height)", "hash": "\(hash)", "origin": "\(origin)",
                            ])
                        }
                    }
                }
                if let miner = self.miner, let minerTips = self.minerTips {
                    group.addTask {
                        await miner.run(tips: minerTips, mempoolTips: mempoolTips, mempoolChanges: changes)
                    }
                }
                if let peers = self.peers {
                    group.addTask {
                        do {
                            try await peers.run()
                        } catch is CancellationError {
                            // Shutdown: the listener's loop ends by cancellation, which is no failure.
                        } catch {
                            self.logger.error("the peer layer stopped: \(error)")
                        }
                    }
                }
                group.addTask {
                    // Writes the tail of a burst of blocks that filled no batch.
                    while !Task.isCancelled {
                        try? await self.clock.sleep(for: .milliseconds(250))
                        do { try await self.chain.flushIfDue() } catch {
                            self.logger.error("could not write the chain: \(error)")
                        }
                    }
                }
                // Shutdown (or cancellation of run()) ends every loop above.
                try? await gracefulShutdown()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.logger.info("node shutting down")
        }
        // The chain stops last: everything it queued reaches the store.
        do { try await chain.flush() } catch { logger.error("could not write the chain: \(error)") }
        await saveMempool()
        // Every subscriber's `for await` ends once it has read what is buffered.
        chain.events.finish()
        mempool.finishEvents()
        logger.info("node stopped")
    }

    /// Events of the chain, from now on, in order, through a buffer the caller
    /// chooses: full blocks travel in it, so bound it (`.bufferingNewest(n)`)
    /// unless the reader keeps up. The stream finishes when `run()` returns.
    public func chainEvents(bufferingPolicy: AsyncStream<ChainEvent>.Continuation.BufferingPolicy)
        -> AsyncStream<ChainEvent>
    {
        chain.events.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Events of the mempool, from now on, in order, through a buffer the
    /// caller chooses. The stream finishes when `run()` returns.
    public func mempoolEvents(bufferingPolicy: AsyncStream<MempoolEvent>.Continuation.BufferingPolicy)
        -> AsyncStream<MempoolEvent>
    {
        mempool.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Hands a signed transfer (from a peer or an embedder) to the mempool.
    public func submit(_ transfer: Transfer, origin: Origin = .local) async -> Result<Hash256, MempoolRejection> {
        await mempool.submit(transfer, origin: origin)
    }

    /// Hands a block (from a peer or an embedder) to the chain.
    public func submit(_ block: Block, origin: Origin = .local) async -> SubmitResult {
        await chain.submit(block, origin: origin)
    }

    /// Hashes per second of the local miner (0 when not mining).
    public var hashRate: Double { miner?.hashRate ?? 0 }
}

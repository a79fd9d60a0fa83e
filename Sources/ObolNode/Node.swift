import Foundation
import Logging
import ObolCore
import ServiceLifecycle

/// A full node: the chain, the mempool and (optionally) the miner, wired
/// through their event streams. Run it as a `Service`, alone or in a
/// `ServiceGroup` next to the HTTP API; cancelling `run()` or a graceful
/// shutdown stops the miner first and the chain last.
///
/// ```swift
/// let node = try Node(configuration: .init(params: .devnet), store: MemoryChainStore())
/// let events = node.chainEvents()            // subscribe before running
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
    public let signatureCache: SignatureCache
    private let logger: Logger
    // Subscribed in init, so nothing published before `run()` is missed.
    private let mempoolFeed: AsyncStream<ChainEvent>
    private let mempoolChangeFeed: AsyncStream<MempoolEvent>
    private let logFeed: AsyncStream<ChainEvent>

    /// A node over `store` (`MemoryChainStore`, or ObolStore's `SQLiteChainStore`;
    /// the `Obol` module's `init(configuration:clock:)` opens the one
    /// `configuration.dataDirectory` names).
    public init(configuration: NodeConfiguration, store: any ChainStore, clock: any NodeClock = SystemClock()) throws {
        self.configuration = configuration
        logger = configuration.logger
        let params = configuration.params
        let cache = SignatureCache()
        signatureCache = cache
        let chain = try ChainActor(params: params, store: store, clock: clock,
                                   verifier: ParallelSignatureVerifier(cache: cache,
                                                                       workers: configuration.verificationThreads),
                                   options: configuration.chain, logger: configuration.logger)
        self.chain = chain
        let mempool = MempoolActor(params: params, accounts: chain, config: configuration.mempool, clock: clock)
        self.mempool = mempool
        if let mining = configuration.mining {
            miner = Miner(params: params, config: mining, clock: clock, logger: configuration.logger,
                          context: { await chain.miningContext() },
                          transfers: { count, bytes in await mempool.template(maxCount: count, maxBytes: bytes) },
                          submit: { block in await chain.submit(block) })
        } else {
            miner = nil
        }
        mempoolFeed = chain.events.subscribe(bufferingPolicy: .unbounded)
        mempoolChangeFeed = mempool.subscribe()
        logFeed = chain.events.subscribe(bufferingPolicy: .bufferingNewest(64))
    }

    /// Runs until cancelled or until graceful shutdown.
    public func run() async throws {
        await chain.resumeBestChain()
        let tip = await chain.tip
        logger.info("node started", metadata: [
            "network": "\(configuration.params.name)", "height": "\(tip.height)", "tip": "\(tip.hash)",
            "mining": "\(miner != nil)",
        ])
        let (tips, tipSink) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (changes, changeSink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // The miner hears of a tip once the mempool has handled it, so the
                // next template never carries transfers the tip just confirmed.
                group.addTask {
                    await self.mempool.run(events: self.mempoolFeed) { event in
                        if case let .tipChanged(t) = event { tipSink.yield(t.hash) }
                    }
                    tipSink.finish()
                }
                // Admitted transfers were verified: blocks carrying them skip re-verification.
                group.addTask {
                    for await event in self.mempoolChangeFeed {
                        if case let .accepted(transfer) = event { self.signatureCache.insert(transfer) }
                        changeSink.yield()
                    }
                    changeSink.finish()
                }
                group.addTask {
                    for await case let .tipChanged(tip) in self.logFeed {
                        self.logger.info("new tip", metadata: [
                            "height": "\(tip.height)", "hash": "\(tip.hash)", "bits": "\(tip.header.bits)",
                        ])
                    }
                }
                if let miner = self.miner {
                    group.addTask { await miner.run(tips: tips, mempoolChanges: changes) }
                }
                group.addTask {
                    // Writes the tail of a burst of blocks that filled no batch.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
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
        logger.info("node stopped")
    }

    /// Events of the chain, from now on, in order.
    public func chainEvents() -> AsyncStream<ChainEvent> { chain.events.subscribe() }

    /// Events of the mempool, from now on, in order.
    public func mempoolEvents() -> AsyncStream<MempoolEvent> { mempool.subscribe() }

    /// Hands a signed transfer to the mempool.
    public func submit(_ transfer: Transfer) async -> Result<Hash256, MempoolRejection> {
        await mempool.submit(transfer)
    }

    /// Hands a block (from a peer or an embedder) to the chain.
    public func submit(_ block: Block, origin: Origin = .local) async -> SubmitResult {
        await chain.submit(block, origin: origin)
    }

    /// Hashes per second of the local miner (0 when not mining).
    public var hashRate: Double { miner?.hashRate ?? 0 }
}

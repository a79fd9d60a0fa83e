import Foundation
import ObolCore
import ObolWire

// Connections: admitting, dialling, dropping, and each peer's task.
extension PeerManager {
    /// Admits `link` and runs it until it ends (one child task of `run()` per peer).
    nonisolated func runPeer(_ link: any PeerLink, direction: PeerDirection, endpoint: PeerEndpoint,
                             isStatic: Bool) async {
        switch await admit(link, direction: direction, endpoint: endpoint, isStatic: isStatic) {
        case let .failure(error):
            logger.debug("refused a connection", metadata: ["address": "\(endpoint)", "reason": "\(error)"])
            await link.close()
        case let .success((id, outbox)):
            await runAdmitted(link, id: id, outbox: outbox)
        }
    }

    /// The peer's task: a reader that hands each message to the manager and does the work it calls for,
    /// and a writer that drains the outbox. The first to end ends the other (the link closes).
    nonisolated func runAdmitted(_ link: any PeerLink, id: UInt64, outbox: PeerOutbox) async {
        let clock = clock
        var failure: (any Error)?
        do {
            try await link.run(
                receive: { message in
                    let work = await self.received(message, from: id)
                    for item in work { await self.perform(item, peer: id, outbox: outbox) }
                    // The manager dropped the peer: stop reading.
                    if outbox.isClosed { throw CancellationError() }
                },
                write: { writer in
                    // A failed write ends the peer: nothing may wait for room that never comes.
                    defer { outbox.close() }
                    while let batch = await outbox.next() {
                        try await writer.send(batch)
                        self.metrics.sent(bytes: outbox.written(batch, now: clock.elapsed()))
                    }
                })
        } catch {
            failure = error
        }
        outbox.close()
        await disconnected(id, error: failure)
    }

    /// Checks a new connection against the bans, discouragement, the node itself, duplicates and the slots
    /// (evicting an inbound peer when they are full), then opens its slot and sends our `version`.
    func admit(_ link: any PeerLink, direction: PeerDirection, endpoint: PeerEndpoint,
               isStatic: Bool) async -> Result<(UInt64, PeerOutbox), PeerConnectError> {
        let locator = await chain.locator()
        defer { if direction == .outbound { dialing.remove(endpoint) } }
        let host = endpoint.host
        if link.nodeID == transport.nodeID {
            if direction == .outbound { selfEndpoints.insert(endpoint) }
            return .failure(PeerConnectError(.selfConnection, "\(endpoint) is this node"))
        }
        if banList.isBanned(host, now: clock.now()) { return .failure(PeerConnectError(.banned, "\(host) is banned")) }
        if !isStatic, discouraged.contains(host) {
            return .failure(PeerConnectError(.discouraged, "\(host) is discouraged"))
        }
        if slots.values.contains(where: { $0.nodeID == link.nodeID && !$0.closing }) {
            return .failure(PeerConnectError(.duplicate, "already connected to node \(Hex.encode(link.nodeID).prefix(16))"))
        }
        if direction == .inbound, inboundCount >= configuration.maxInbound {
            guard let victim = evictionCandidate() else {
                return .failure(PeerConnectError(.full, "every inbound slot is taken"))
            }
            drop(victim, reason: "evicted for a new inbound peer", discourage: false)
        }
        let now = clock.elapsed()
        let id = nextID
        nextID += 1
        let outbox = PeerOutbox(budget: configuration.sendBudget, now: now)
        var slot = PeerSlot(id: id, nodeID: link.nodeID, endpoint: endpoint, direction: direction, isStatic: isStatic,
                            outbox: outbox,
                            proto: PeerProtocol(configuration: configuration.peerProtocol(networkID: params.networkID,
                                                                                          direction: direction),
                                                ourVersion: ourVersion(), locator: locator,
                                                nonceSeed: UInt64.random(in: .min ... .max, using: &rng)),
                            connectedSince: clock.now(), connectedAt: now)
        let actions = slot.proto.handle(.connected(now: now))
        slots[id] = slot
        reportPeers()
        _ = carryOut(actions, peer: id)
        logger.debug("peer connected", metadata: ["peer": "\(id)", "address": "\(endpoint)", "direction": "\(direction)"])
        return .success((id, outbox))
    }

    var inboundCount: Int { slots.values.count { $0.direction == .inbound && !$0.closing } }
    var outboundCount: Int { slots.values.count { $0.direction == .outbound && !$0.closing } + dialing.count }

    /// Sets the peer gauges: connections open (handshake done or not) by direction, dials not counted.
    func reportPeers() {
        var inbound = 0, outbound = 0
        for slot in slots.values where !slot.closing {
            if slot.direction == .inbound { inbound += 1 } else { outbound += 1 }
        }
        metrics.connected(inbound: inbound, outbound: outbound)
    }

    func ourVersion() -> VersionMessage {
        VersionMessage(networkID: params.networkID, services: [.fullNode, .relay], bestHeight: ourTip?.height ?? 0,
                       chainWork: ourTip?.chainWork ?? .zero, listenAddress: transport.listenEndpoint?.networkAddress,
                       userAgent: configuration.userAgent)
    }

    /// Bitcoin Core's choice of an inbound peer to evict (`InboundEviction`); discouraged ones go first.
    func evictionCandidate() -> UInt64? {
        let inbound = slots.values.filter { $0.direction == .inbound && !$0.closing }
        if let bad = inbound.first(where: { discouraged.contains($0.endpoint.host) }) { return bad.id }
        return InboundEviction.select(inbound.map {
            EvictionCandidate(id: $0.id, group: $0.endpoint.group, connectedAt: $0.connectedAt,
                              pingTime: $0.proto.lastPingTime, lastBlockAt: $0.lastBlockAt,
                              lastTransferAt: $0.lastTransferAt, isProtected: $0.isStatic)
        })
    }

    /// Closes a peer's connection; with `discourage`, its host is dropped first and never dialled again
    /// (static peers are never discouraged).
    func drop(_ id: UInt64, reason: String, discourage: Bool) {
        guard var slot = slots[id], !slot.closing else { return }
        slot.closing = true
        slots[id] = slot
        slot.outbox.close()
        let discouraging = discourage && !slot.isStatic
        if discouraging {
            discouraged.insert(slot.endpoint.host, reason: reason, at: clock.now())
            metrics.discouraged(held: discouraged.count)
        }
        reportPeers()
        downloader.remove(peer: id)
        for (peer, hash) in fetcher.remove(peer: id, now: clock.elapsed()) { command(peer, .requestTransfers([hash])) }
        changes.publish(.disconnected(id: id, address: slot.endpoint, reason: reason, discouraged: discouraging))
        logger.log(level: discouraging ? .notice : .debug, "peer dropped", metadata: [
            "peer": "\(id)", "address": "\(slot.endpoint)", "reason": "\(reason)", "discouraged": "\(discouraging)",
        ])
        requestSync()
    }

    /// The peer's task ended: forget the peer, and schedule a redial of a static peer.
    func disconnected(_ id: UInt64, error: (any Error)?) {
        if let error, !(error is CancellationError), (error as? any PeerTransportError)?.isPeerFault == true {
            drop(id, reason: "bad frame: \(error)", discourage: true)
        } else {
            drop(id, reason: error.map { "\($0)" } ?? "closed", discourage: false)
        }
        guard let slot = slots.removeValue(forKey: id) else { return }
        if slot.isStatic { scheduleRedial(slot.endpoint) }
        fillOutboundSlots()
    }

    // MARK: Dialling

    func startDial(_ endpoint: PeerEndpoint, isStatic: Bool) {
        guard running, !dialing.contains(endpoint), !selfEndpoints.contains(endpoint),
              !slots.values.contains(where: { $0.endpoint == endpoint && !$0.closing }) else { return }
        dialing.insert(endpoint)
        if !isStatic { addressBook.markAttempt(endpoint, now: clock.now()) }
        jobSink.yield(.dial(endpoint, isStatic: isStatic))
    }

    nonisolated func dial(_ endpoint: PeerEndpoint, isStatic: Bool) async {
        do {
            let link = try await transport.connect(to: endpoint)
            await runPeer(link, direction: .outbound, endpoint: endpoint, isStatic: isStatic)
        } catch {
            await dialFailed(endpoint, isStatic: isStatic, error: error)
        }
    }

    func dialFailed(_ endpoint: PeerEndpoint, isStatic: Bool, error: any Error) {
        dialing.remove(endpoint)
        logger.debug("could not connect", metadata: ["address": "\(endpoint)", "error": "\(error)"])
        if isStatic {
            scheduleRedial(endpoint)
        } else {
            addressBook.markFailed(endpoint, now: clock.now())
            bookChanged = true
        }
    }

    func scheduleRedial(_ endpoint: PeerEndpoint) {
        let previous = redialAt[endpoint]?.delay
        let delay = previous.map { min(configuration.maxReconnectBackoff, $0 * 2) } ?? configuration.reconnectBackoff
        redialAt[endpoint] = (clock.elapsed() + delay, delay)
    }

    /// Redials static peers whose backoff has passed, and fills free outbound slots from the address book.
    func fillOutboundSlots() {
        guard running else { return }
        let now = clock.elapsed()
        for (endpoint, redial) in redialAt where redial.at <= now {
            if configuration.staticPeers.contains(endpoint) { startDial(endpoint, isStatic: true) }
        }
        let free = configuration.maxOutbound - outboundCount
        guard free > 0 else { return }
        let connected = Set(slots.values.map(\.endpoint))
        let wallNow = clock.now()
        // Addresses only the directory vouches for fill at most `maxDirectoryOutbound` slots.
        var directoryRoom = configuration.maxDirectoryOutbound - directoryOutbound
        let picks = addressBook.select(count: free, now: wallNow, excluding: { endpoint in
            connected.contains(endpoint) || self.dialing.contains(endpoint) || self.selfEndpoints.contains(endpoint)
                || (directoryRoom <= 0 && self.addressBook.source(of: endpoint) == Self.directorySource)
                || self.discouraged.contains(endpoint.host) || self.banList.isBanned(endpoint.host, now: wallNow)
                || self.configuration.staticPeers.contains(endpoint)
                || (self.transport.listenEndpoint == endpoint)
        }, using: &rng)
        for endpoint in picks {
            if addressBook.source(of: endpoint) == Self.directorySource {
                guard directoryRoom > 0 else { continue }
                directoryRoom -= 1
            }
            startDial(endpoint, isStatic: false)
        }
    }

    // MARK: Persistence

    func saveBook(force: Bool = false) {
        guard let directory = configuration.dataDirectory, bookChanged || force else { return }
        let now = clock.elapsed()
        guard force || now - lastBookSave >= .seconds(60) else { return }
        lastBookSave = now
        bookChanged = false
        do { try addressBook.save(to: Self.bookPath(directory)) } catch {
            logger.warning("could not save the address book: \(error)")
        }
    }

    func saveBans() {
        guard let directory = configuration.dataDirectory else { return }
        do { try banList.save(to: Self.banPath(directory)) } catch {
            logger.warning("could not save the ban list: \(error)")
        }
    }
}

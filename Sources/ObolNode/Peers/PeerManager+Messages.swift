import ObolCore
import ObolWire

// A peer's messages: through its protocol state machine on the actor, then the work they call for in
// the peer's own task.
extension PeerManager {
    /// Runs `message` through the peer's protocol; returns the work for the peer's task.
    func received(_ message: Message, from id: UInt64) -> [PeerWork] {
        guard var slot = slots[id], !slot.closing else { return [] }
        let size = PeerOutbox.frameSize(message)
        slot.bytesReceived += UInt64(size)
        metrics.received(bytes: size)
        let actions = slot.proto.handle(.received(message, now: clock.elapsed()))
        slots[id] = slot
        return carryOut(actions, peer: id)
    }

    /// Sends a command through the peer's protocol (announcements, requests).
    func command(_ id: UInt64, _ command: PeerCommand) {
        guard var slot = slots[id], !slot.closing else { return }
        let actions = slot.proto.handle(.command(command))
        slots[id] = slot
        _ = carryOut(actions, peer: id)
    }

    /// Does what the protocol asked that is the manager's to do (sends, handshake, disconnects) and
    /// returns the rest as work for the peer's task.
    func carryOut(_ actions: [PeerAction], peer id: UInt64) -> [PeerWork] {
        var work: [PeerWork] = []
        for action in actions {
            guard let slot = slots[id], !slot.closing else { return [] }
            switch action {
            case let .send(message):
                if !slot.outbox.enqueue([message], now: clock.elapsed()), !slot.outbox.isClosed {
                    drop(id, reason: "send queue over budget: the peer does not read", discourage: false)
                }
            case let .handshakeCompleted(version):
                handshakeCompleted(id, version: version)
                work.append(.sync)
            case let .deliverHeaders(headers): work.append(.headers(headers))
            case let .deliverBlock(block): work.append(.block(block))
            case let .deliverTransfer(transfer): work.append(.transfer(transfer))
            case let .deliverInventory(items): work.append(.inventory(items))
            case let .deliverNotFound(items): work.append(.notFound(items))
            case let .deliverAddresses(entries): work.append(.addresses(entries))
            case let .serveData(items): work.append(.serveData(items))
            case let .serveHeaders(request): work.append(.serveHeaders(request))
            case .serveAddresses: work.append(.serveAddresses)
            case let .serveMempool(limit): work.append(.serveMempool(limit: limit))
            case .scheduleTick: break  // the tick loop checks every peer's timers
            case let .disconnect(reason):
                drop(id, reason: reason.description, discourage: reason.isPeerFault)
            }
        }
        return work
    }

    private func handshakeCompleted(_ id: UInt64, version: VersionMessage) {
        guard var slot = slots[id] else { return }
        slot.height = version.bestHeight
        slot.work = version.chainWork
        slot.userAgent = String(version.userAgent.prefix(64))
        slots[id] = slot
        redialAt.removeValue(forKey: slot.endpoint)
        let now = clock.now()
        if slot.direction == .outbound {
            if !slot.isStatic {
                addressBook.markGood(slot.endpoint, now: now)
                bookChanged = true
            }
        } else if let listen = version.listenAddress {
            // An inbound peer that listens: reachable where it says, on the host we see.
            let reachable = PeerEndpoint(host: slot.endpoint.host, port: Int(listen.port))
            if !addressBook.add([reachable], source: slot.endpoint.group, now: now).isEmpty {
                bookChanged = true
                changes.publish(.addressesLearned([reachable]))
                if let address = reachable.networkAddress {
                    relayAddresses([AddressEntry(lastSeen: now, services: version.services, address: address)], from: id)
                }
            }
        }
        changes.publish(.connected(slot.summary()))
        logger.info("peer connected", metadata: [
            "peer": "\(id)", "address": "\(slot.endpoint)", "direction": "\(slot.direction)",
            "height": "\(version.bestHeight)", "agent": "\(slot.userAgent)",
        ])
    }

    // MARK: Work, in the peer's task

    nonisolated func perform(_ work: PeerWork, peer id: UInt64, outbox: PeerOutbox) async {
        switch work {
        case let .headers(headers):
            let result = await chain.submitHeaders(headers, origin: .peer(id))
            var reached: (hash: Hash256, height: UInt64, work: UInt256)?
            if result.accepted > 0 {
                let last = headers[result.accepted - 1].hash
                reached = await chain.heightAndWork(of: last).map { (last, $0.height, $0.work) }
            }
            let locator = result.accepted == 0 ? await chain.locator() : []
            await headersProcessed(id, result: result, reached: reached, locator: locator)
        case let .block(block):
            let result = await chain.submit(block, origin: .peer(id))
            let work = await chain.heightAndWork(of: block.hash)?.work
            await blockProcessed(id, block: block, result: result, work: work)
        case let .transfer(transfer):
            let result = await mempool.submit(transfer, origin: .peer(id))
            await transferProcessed(id, transfer: transfer, result: result)
        case let .inventory(items):
            let announced = items.filter { $0.kind == .transfer }.map(\.hash)
            if !announced.isEmpty {
                await transfersAnnounced(id, await mempool.missing(fullHashes: announced))
            }
            let blocks = items.filter { $0.kind == .block }.map(\.hash)
            var unknownBlock = false
            for hash in blocks.prefix(16) {
                if await chain.entry(hash) == nil { unknownBlock = true }
            }
            if unknownBlock { await command(id, .requestHeaders(locator: await chain.locator())) }
        case let .notFound(items):
            await notFound(id, items)
        case let .addresses(entries):
            await addressesReceived(id, entries)
        case let .serveData(items):
            await serveData(items, peer: id, outbox: outbox)
        case let .serveHeaders(request):
            var headers = await chain.headers(after: request.locator, limit: FrameLimits.maxHeaders)
            if request.stop != .zero, let stop = headers.firstIndex(where: { $0.hash == request.stop }) {
                headers = Array(headers[...stop])
            }
            await send([.headers(headers)], to: id, outbox: outbox)
        case .serveAddresses:
            await send([.addr(await addressesToShare())], to: id, outbox: outbox)
        case let .serveMempool(limit):
            let count = Int(min(limit, configuration.mempoolReplyLimit))
            let transfers = await mempool.listing(limit: count).best
            await command(id, .relayTransfers(transfers))
        case .sync:
            await scheduleDownloads()
        }
    }

    /// Serves `getdata`: blocks one at a time as the peer reads them (never more than the budget queued),
    /// transfers from the mempool, and one `notfound` for the rest.
    private nonisolated func serveData(_ items: [InventoryItem], peer id: UInt64, outbox: PeerOutbox) async {
        var missing: [InventoryItem] = []
        let transferHashes = items.filter { $0.kind == .transfer }.map(\.hash)
        if !transferHashes.isEmpty {
            let found = await mempool.transfers(fullHashes: transferHashes)
            let foundHashes = Set(found.map(\.fullHash))
            missing += transferHashes.filter { !foundHashes.contains($0) }.map { InventoryItem(kind: .transfer, hash: $0) }
            for chunk in found.chunks(of: 256) {
                await outbox.waitForRoom()
                guard !outbox.isClosed else { return }
                await send(chunk.map(Message.tx), to: id, outbox: outbox, force: true)
            }
        }
        for item in items where item.kind == .block {
            guard let block = await chain.block(item.hash) else {
                missing.append(item)
                continue
            }
            await outbox.waitForRoom()
            guard !outbox.isClosed else { return }
            await send([.block(block)], to: id, outbox: outbox, force: true)
            await peerHas(id, height: block.height)
        }
        if !missing.isEmpty { await send([.notfound(missing)], to: id, outbox: outbox) }
    }

    private nonisolated func send(_ messages: [Message], to id: UInt64, outbox: PeerOutbox, force: Bool = false) async {
        if !outbox.enqueue(messages, now: clock.elapsed(), force: force), !outbox.isClosed {
            await drop(id, reason: "send queue over budget: the peer does not read", discourage: false)
        }
    }

    // MARK: Outcomes, back on the actor

    func headersProcessed(_ id: UInt64, result: HeaderSubmitResult,
                          reached: (hash: Hash256, height: UInt64, work: UInt256)?, locator: [Hash256]) async {
        guard var slot = slots[id], !slot.closing else { return }
        if result.isPeerFault {
            return drop(id, reason: "invalid header: \(result.rejection!)", discourage: true)
        }
        if let reached {
            slot.height = max(slot.height, reached.height)
            if reached.work > slot.work { slot.work = reached.work }
            if reached.work > slot.bestKnown?.work ?? .zero { slot.bestKnown = (reached.hash, reached.work) }
            slot.unconnectedHeaders = 0
        } else if case .unknownParent = result.rejection {
            // An announcement that does not connect: ask for the headers between (Bitcoin Core allows a
            // handful in a row before giving up on the peer).
            slot.unconnectedHeaders += 1
            if slot.unconnectedHeaders > 8 {
                slots[id] = slot
                return drop(id, reason: "header announcements that never connect", discourage: true)
            }
            slots[id] = slot
            command(id, .requestHeaders(locator: locator))
            return
        }
        slots[id] = slot
        if result.added > 0 || reached != nil { await scheduleDownloads() }
    }

    func blockProcessed(_ id: UInt64, block: Block, result: SubmitResult, work: UInt256?) async {
        downloader.received(block.hash, from: id, now: clock.elapsed())
        if case let .invalid(rejection) = result, rejection.isPeerFault {
            drop(id, reason: "invalid block \(block.hash): \(rejection)", discourage: true)
        } else if var slot = slots[id] {
            switch result {
            case .connected, .sideBranch:
                slot.lastBlockAt = clock.elapsed()
                slot.height = max(slot.height, block.height)
            default: break
            }
            if let work, work > slot.bestKnown?.work ?? .zero { slot.bestKnown = (block.hash, work) }
            slots[id] = slot
        }
        await scheduleDownloads()
    }

    func transferProcessed(_ id: UInt64, transfer: Transfer, result: Result<Hash256, MempoolRejection>) {
        fetcher.received(transfer.fullHash)
        switch result {
        case .success: slots[id]?.lastTransferAt = clock.elapsed()
        case let .failure(rejection) where rejection.isPeerFault:
            drop(id, reason: "invalid transfer \(transfer.id): \(rejection)", discourage: true)
        case .failure: break
        }
    }

    func transfersAnnounced(_ id: UInt64, _ hashes: [Hash256]) {
        guard slots[id]?.closing == false, !hashes.isEmpty else { return }
        guard let requests = fetcher.announced(hashes, by: id, now: clock.elapsed()) else {
            return drop(id, reason: "inv flood: too many announcements outstanding", discourage: true)
        }
        if !requests.isEmpty { command(id, .requestTransfers(requests)) }
    }

    func notFound(_ id: UInt64, _ items: [InventoryItem]) async {
        let now = clock.elapsed()
        for item in items where item.kind == .transfer {
            if let next = fetcher.notFound(item.hash, from: id, now: now) { command(next.peer, .requestTransfers([next.hash])) }
        }
        let blocks = items.filter { $0.kind == .block }.map(\.hash)
        if !blocks.isEmpty {
            for hash in blocks { slots[id]?.lacking.insert(hash) }
            downloader.notFound(blocks, from: id)
            await scheduleDownloads()
        }
    }

    /// The peer asked for a block at `height`: its chain reaches that high.
    func peerHas(_ id: UInt64, height: UInt64) {
        guard let current = slots[id]?.height, height > current else { return }
        slots[id]?.height = height
    }

    func addressesReceived(_ id: UInt64, _ entries: [AddressEntry]) {
        guard let slot = slots[id], !slot.closing else { return }
        let endpoints = entries.prefix(FrameLimits.maxAddresses).map { PeerEndpoint($0.address) }
        let now = clock.now()
        let added = Set(addressBook.add(Array(endpoints), source: slot.endpoint.group, now: now))
        guard !added.isEmpty else { return }
        bookChanged = true
        changes.publish(.addressesLearned(endpoints.filter(added.contains)))
        // A small announcement is gossip (a node announcing itself, or that passed on): what is new to us
        // and fresh goes on. A reply to `getaddr` is not.
        guard entries.count <= Self.addressRelayBatch else { return }
        let fresh = (now - min(now, 600))...(now + 600)
        relayAddresses(entries.filter { added.contains(PeerEndpoint($0.address)) && fresh.contains($0.lastSeen) }, from: id)
    }

    /// Addresses announced in an `addr` of at most this many are relayed.
    static let addressRelayBatch = 10

    /// Passes addresses new to the book on to two other established peers, chosen at random, as Bitcoin
    /// Core does: since a node relays an address only when it first learns it, gossip spreads and stops.
    func relayAddresses(_ entries: [AddressEntry], from source: UInt64?) {
        guard !entries.isEmpty else { return }
        var others = slots.values.filter { $0.isEstablished && !$0.closing && $0.id != source }.map(\.id).sorted()
        others.shuffle(using: &rng)
        for peer in others.prefix(2) { command(peer, .send(.addr(entries))) }
    }

    func addressesToShare() -> [AddressEntry] {
        addressBook.sample(count: FrameLimits.maxAddresses, using: &rng).compactMap { entry in
            entry.endpoint.networkAddress.map { AddressEntry(lastSeen: entry.lastSeen, services: [.fullNode, .relay], address: $0) }
        }
    }
}

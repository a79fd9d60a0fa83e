import ObolCore
import ObolWire

// Relay: new tips are announced to every peer as headers; transfers accepted into the mempool are
// announced by `inv` to the peers not known to have them, never back to the sender.
extension PeerManager {
    func tipChanged(_ tip: ChainTip) {
        ourTip = tip
        for id in slots.keys {
            command(id, .ourChainChanged(height: tip.height, work: tip.chainWork))
            command(id, .announceHeaders([tip.header]))
        }
    }

    func mempoolChanged(_ event: MempoolEvent) {
        guard case let .accepted(transfer, origin) = event else { return }
        fetcher.received(transfer.fullHash)
        for slot in slots.values where slot.isEstablished && origin != .peer(slot.id) {
            command(slot.id, .relayTransfers([transfer]))
        }
    }
}

// Timers: the per-peer protocols (handshake and ping timeouts), stalled writers, block and transfer
// request deadlines, redials, and the progress log. Everything reads the injected clock.
extension PeerManager {
    func tick() async {
        let now = clock.elapsed()
        for id in Array(slots.keys) {
            guard var slot = slots[id], !slot.closing else { continue }
            if slot.outbox.isStalled(now: now, timeout: configuration.sendStallTimeout) {
                drop(id, reason: "nothing written for \(configuration.sendStallTimeout): the peer does not read",
                     discourage: false)
                continue
            }
            let actions = slot.proto.handle(.tick(now: now))
            slots[id] = slot
            _ = carryOut(actions, peer: id)
        }
        let stalled = downloader.expire(now: now)
        for (peer, hashes) in stalled {
            logger.debug("block requests timed out", metadata: [
                "peer": "\(peer)", "blocks": "\(hashes.count)", "timeout": "\(downloader.timeout(of: peer))",
            ])
        }
        for (peer, hash) in fetcher.expire(now: now) { command(peer, .requestTransfers([hash])) }
        fillOutboundSlots()
        saveBook()
        // Every tick while blocks are missing: a peer whose rest after a stall has ended takes requests again.
        await scheduleDownloads()
        await logProgress(now: now)
    }
}

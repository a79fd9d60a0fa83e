import ObolCore
import ObolWire

// Parallel headers-first sync: headers arrive through `submitHeaders`; the bodies of the best header chain
// are spread over the peers by the `BlockDownloader`.
extension PeerManager {
    /// Asks peers for the missing bodies of the best header chain within the window. One pass runs at a
    /// time; a request made meanwhile runs another pass after it.
    func scheduleDownloads() async {
        guard !scheduling else {
            rescheduleRequested = true
            return
        }
        scheduling = true
        defer { scheduling = false }
        repeat {
            rescheduleRequested = false
            let established = slots.values.filter(\.isEstablished)
            let free = downloader.freeSlots(peers: established.map(\.id), now: clock.elapsed())
            guard free > 0 else { continue }
            let tips = established.reduce(into: [UInt64: Hash256]()) { tips, slot in
                if let known = slot.bestKnown { tips[slot.id] = known.hash }
            }
            // Only as many as the free request slots can take (and a few more, for blocks that no free
            // peer holds): the pass runs after every block, so it must stay small.
            var wanted = await chain.downloadCandidates(
                window: min(configuration.downloadWindow, chain.options.waitingBodyCapacity),
                limit: free + configuration.blocksInFlightPerPeer,
                excluding: Set(downloader.inFlight.keys), peerTips: tips)
            guard !wanted.isEmpty else { continue }
            // A peer that has shown no header yet may serve what its height reaches; nobody is asked
            // again for a block it said it lacks.
            for index in wanted.indices {
                for slot in established where slot.bestKnown == nil && slot.height >= wanted[index].height {
                    wanted[index].holders.insert(slot.id)
                }
                wanted[index].holders = wanted[index].holders.filter { !(slots[$0]?.lacking.contains(wanted[index].hash) ?? true) }
            }
            let assignments = downloader.assign(wanted, peers: established.map(\.id), now: clock.elapsed())
            logger.trace("download pass", metadata: ["wanted": "\(wanted.count)", "peers": "\(established.map(\.id))",
                                                     "assigned": "\(assignments.mapValues(\.count))",
                                                     "inFlight": "\(downloader.inFlight.count)"])
            for (peer, hashes) in assignments { command(peer, .requestBlocks(hashes)) }
        } while rescheduleRequested
    }

    /// Schedules downloads from a synchronous context (a peer left, a timer fired).
    func requestSync() {
        rescheduleRequested = true
    }

    /// Logs the sync's progress every few seconds while blocks are missing: height, headers, blocks/s,
    /// percent and time left.
    func logProgress(now: Duration) async {
        if let last = lastProgress, now - last.at < .seconds(5) { return }
        let tip = await chain.tip
        let header = await chain.bestHeader
        defer { lastProgress = (now, tip.height) }
        guard header.height > tip.height, let last = lastProgress else { return }
        let seconds = Double((now - last.at).components.seconds) + Double((now - last.at).components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(tip.height &- last.height) / seconds : 0
        let percent = header.height == 0 ? 100 : Double(tip.height) * 100 / Double(header.height)
        let left = rate > 0 ? "\(Int(Double(header.height - tip.height) / rate))s" : "unknown"
        logger.info("syncing", metadata: [
            "height": "\(tip.height)", "headers": "\(header.height)", "blocks/s": "\(Int(rate))",
            "percent": "\(String(format: "%.1f", percent))", "left": "\(left)", "peers": "\(peerCount)",
        ])
    }
}

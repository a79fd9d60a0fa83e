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
            let wanted = await chain.downloadCandidates(window: configuration.downloadWindow)
            guard !wanted.isEmpty else { continue }
            let candidates = slots.values.filter(\.isEstablished).map { (peer: $0.id, height: $0.height) }
            let assignments = downloader.assign(wanted, candidates: candidates, now: clock.elapsed())
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

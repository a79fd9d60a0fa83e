import ObolWire

// The directory (tracker): the node lists itself, keeps its entry alive, takes addresses from it while
// outbound slots are free, and unlists itself when it stops.
extension PeerManager {
    /// The address book's source for addresses from the directory. They count against its per-source cap,
    /// and may fill at most `PeerManagerConfiguration.maxDirectoryOutbound` outbound slots.
    static let directorySource = "tracker"

    /// Runs until cancelled, then leaves the directory if it joined. One round per heartbeat interval on the
    /// injected clock; a failure is logged once per outage and retried next round.
    nonisolated func runDirectory(_ directory: any PeerDirectory) async {
        // A node listening on every interface does not know which address others reach it at: it only asks.
        let listen = transport.listenEndpoint.flatMap { $0.isUnspecified ? nil : $0 }
        if transport.listenEndpoint != nil, listen == nil {
            logger.notice("listening on every interface: not listed with the tracker, only asking it for peers")
        }
        var interval = configuration.directoryRetryInterval
        var listed = false
        var failing = false
        while !Task.isCancelled {
            do {
                if let listen {
                    if listed {
                        try await directory.heartbeat(listen: listen)
                    } else {
                        interval = try await directory.register(listen: listen)
                        listed = true
                        logger.info("listed with the tracker", metadata: ["listen": "\(listen)"])
                    }
                }
                if await wantsAddresses {
                    await directoryAddressesReceived(try await directory.peers(count: 2 * configuration.maxOutbound))
                }
                failing = false
            } catch is CancellationError {
                break
            } catch {
                if !failing { logger.warning("the tracker cannot be reached; working without it: \(error)") }
                failing = true
                listed = false
            }
            let wait = listed ? interval : min(interval, configuration.directoryRetryInterval)
            do { try await clock.sleep(untilElapsed: clock.elapsed() + wait) } catch { break }
        }
        if listed, let listen { await directory.leave(listen: listen) }
    }

    /// Whether outbound slots are free for addresses.
    var wantsAddresses: Bool { outboundCount < configuration.maxOutbound }

    func directoryAddressesReceived(_ endpoints: [PeerEndpoint]) {
        let own = transport.listenEndpoint
        let added = addressBook.add(endpoints.filter { $0 != own }, source: Self.directorySource, now: clock.now())
        guard !added.isEmpty else { return }
        bookChanged = true
        changes.publish(.addressesLearned(added))
        fillOutboundSlots()
    }

    /// Outbound connections (made or being made) to addresses that only the directory vouches for.
    var directoryOutbound: Int {
        let viaDirectory = { (endpoint: PeerEndpoint) in self.addressBook.source(of: endpoint) == Self.directorySource }
        return slots.values.count { $0.direction == .outbound && !$0.isStatic && viaDirectory($0.endpoint) }
            + dialing.count(where: viaDirectory)
    }
}

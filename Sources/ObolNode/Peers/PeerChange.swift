import ObolWire

/// What happened to the peer table (`PeerManager.changes`): for logs, tests and live views.
public enum PeerChange: Sendable, Hashable {
    /// A peer completed its handshake.
    case connected(PeerSummary)
    /// A peer's connection ended; `discouraged` when it misbehaved.
    case disconnected(id: UInt64, address: PeerEndpoint, reason: String, discouraged: Bool)
    /// Addresses new to the address book (gossip, a `getaddr` reply, an inbound peer that listens).
    case addressesLearned([PeerEndpoint])
}

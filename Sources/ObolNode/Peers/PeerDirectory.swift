import ObolWire

/// Where a node lists itself and finds other nodes besides gossip: the tracker of `obol tracker`
/// (`TrackerClient` in ObolTracker). Any call may fail, for instance while the tracker is down; the node
/// keeps working without it and tries again on its next round.
public protocol PeerDirectory: Sendable {
    /// Lists the node, reachable at `listen`; returns how often it must send a heartbeat.
    func register(listen: PeerEndpoint) async throws -> Duration
    /// Keeps the node listed. An error (the directory forgot it, or cannot be reached) makes the node
    /// register again on its next round.
    func heartbeat(listen: PeerEndpoint) async throws
    /// Up to `count` addresses of listed nodes. They are unverified and come from a single source.
    func peers(count: Int) async throws -> [PeerEndpoint]
    /// Unlists the node as it stops. Best effort, and it must not wait long: the node is shutting down.
    func leave(listen: PeerEndpoint) async
}

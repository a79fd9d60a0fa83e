import Metrics

/// What the `PeerManager` reports: connected peers by direction, bytes in and out, discouraged hosts.
struct PeerMetrics: Sendable {
    private let inbound: Gauge
    private let outbound: Gauge
    private let received: Counter
    private let sent: Counter
    private let discouragedHosts: Gauge
    private let discouragements: Counter

    init(factory: any MetricsFactory) {
        inbound = Gauge(label: "obol_peers", dimensions: [("direction", "inbound")], factory: factory)
        outbound = Gauge(label: "obol_peers", dimensions: [("direction", "outbound")], factory: factory)
        received = Counter(label: "obol_peer_received_bytes_total", factory: factory)
        sent = Counter(label: "obol_peer_sent_bytes_total", factory: factory)
        discouragedHosts = Gauge(label: "obol_peers_discouraged_hosts", factory: factory)
        discouragements = Counter(label: "obol_peers_discouraged_total", factory: factory)
    }

    func connected(inbound inboundCount: Int, outbound outboundCount: Int) {
        inbound.record(inboundCount)
        outbound.record(outboundCount)
    }

    func received(bytes: Int) { received.increment(by: bytes) }

    func sent(bytes: Int) { sent.increment(by: bytes) }

    /// A host was discouraged; `held` are kept now (bounded).
    func discouraged(held: Int) {
        discouragements.increment()
        discouragedHosts.record(held)
    }
}

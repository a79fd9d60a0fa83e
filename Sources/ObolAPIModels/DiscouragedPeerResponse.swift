/// A host the node discouraged for breaking a rule: an entry of `GET /peers/discouraged`.
public struct DiscouragedPeerResponse: Codable, Sendable, Hashable {
    /// The host, without a port.
    public var host: String
    /// The rule it broke, as the node's log names it.
    public var reason: String
    /// When, in seconds since the Unix epoch.
    public var since: UInt64

    public init(host: String, reason: String, since: UInt64) {
        self.host = host
        self.reason = reason
        self.since = since
    }
}

/// `GET /peers/discouraged`: the hosts discouraged since the node started, the most recent first.
public struct DiscouragedPeerListResponse: Codable, Sendable, Hashable {
    public var discouraged: [DiscouragedPeerResponse]

    public init(discouraged: [DiscouragedPeerResponse]) {
        self.discouraged = discouraged
    }
}

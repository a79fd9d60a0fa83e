/// A manual ban: an entry of `GET /peers/bans`, and the answer of `POST /peers/bans`.
public struct PeerBanResponse: Codable, Sendable, Hashable {
    /// The banned host (a name or an IP address, without a port).
    public var host: String
    /// When the ban ends, in seconds since the Unix epoch.
    public var until: UInt64
    public var reason: String

    public init(host: String, until: UInt64, reason: String) {
        self.host = host
        self.until = until
        self.reason = reason
    }
}

/// `GET /peers/bans`: the bans in force.
public struct PeerBanListResponse: Codable, Sendable, Hashable {
    public var bans: [PeerBanResponse]

    public init(bans: [PeerBanResponse]) {
        self.bans = bans
    }
}

/// `POST /peers`: connect to a peer now.
public struct ConnectPeerRequest: Codable, Sendable, Hashable {
    /// `HOST:PORT`, or `[IPv6]:PORT` for IPv6.
    public var address: String

    public init(address: String) {
        self.address = address
    }
}

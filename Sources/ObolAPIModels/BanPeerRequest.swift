/// `POST /peers/bans`: refuse every connection to or from a host for a while, and drop the ones open.
public struct BanPeerRequest: Codable, Sendable, Hashable {
    /// How long a ban lasts when the request does not say: one day.
    public static let defaultDuration: UInt64 = 86_400
    /// The longest ban: ten years of 365 days.
    public static let maxDuration: UInt64 = 10 * 365 * 86_400
    /// The longest reason, in Unicode scalars.
    public static let maxReasonLength = 200

    /// A host, or `HOST:PORT` (`[IPv6]:PORT`), whose host is banned.
    public var address: String
    /// Seconds from now, 1…`maxDuration`; `defaultDuration` when absent.
    public var duration: UInt64?
    /// Why, for the operator: at most `maxReasonLength` characters, no control characters.
    public var reason: String?

    public init(address: String, duration: UInt64? = nil, reason: String? = nil) {
        self.address = address
        self.duration = duration
        self.reason = reason
    }
}

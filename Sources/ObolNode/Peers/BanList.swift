import Foundation

/// Manual bans by host, as a plain value: no connection to or from a banned host until its ban ends.
///
/// At most `maxBans` hosts are banned at once; `ban` refuses a new host beyond that (returns false) rather
/// than forgetting another ban. Hosts compare as written (the caller normalizes them). A reason is kept to
/// its first `maxReasonLength` characters. Time is a parameter, in seconds since the Unix epoch.
///
/// On disk (`bans.json` in the data directory): one JSON object,
///
/// ```
/// {
///   "version": 1,
///   "bans": [ {"host": "203.0.113.7", "until": 1767225600, "reason": "spam"}, … ]
/// }
/// ```
///
/// bans in host order, keys sorted, written whole or not at all (temporary file, sync, rename). Loading
/// trusts nothing in it: bans with an empty or over-long host are dropped, a repeated host keeps its latest
/// `until`, reasons are cut to `maxReasonLength`, and beyond `maxBans` the bans that end first are dropped.
/// Bans already over are kept until `expire`.
public struct BanList: Sendable {
    /// Hosts banned at most.
    public static let maxBans = 10_000
    /// Characters of a reason kept.
    public static let maxReasonLength = 256
    /// The longest host that can be banned.
    public static let maxHostLength = 255
    /// The format version `save` writes and `load` reads.
    public static let fileVersion = 1

    private var byHost: [String: PeerBan] = [:]

    public init() {}

    /// Every ban, in host order.
    public var bans: [PeerBan] { byHost.values.sorted { $0.host < $1.host } }

    /// Bans in the list (over or not).
    public var count: Int { byHost.count }

    /// Bans `host` until `until`, replacing its ban if it has one. Returns false, changing nothing, when
    /// `host` is empty or longer than `maxHostLength`, or when it is not banned and `maxBans` hosts are.
    public mutating func ban(host: String, until: UInt64, reason: String) -> Bool {
        guard !host.isEmpty, host.count <= Self.maxHostLength,
              byHost[host] != nil || byHost.count < Self.maxBans else { return false }
        byHost[host] = PeerBan(host: host, until: until, reason: String(reason.prefix(Self.maxReasonLength)))
        return true
    }

    /// Lifts the ban of `host`; false when it had none.
    @discardableResult
    public mutating func unban(host: String) -> Bool {
        byHost.removeValue(forKey: host) != nil
    }

    /// Whether `host` is banned at `now` (its ban ends after `now`).
    public func isBanned(_ host: String, now: UInt64) -> Bool {
        guard let ban = byHost[host] else { return false }
        return ban.until > now
    }

    /// Removes the bans over at `now`; returns how many.
    @discardableResult
    public mutating func expire(now: UInt64) -> Int {
        let before = byHost.count
        byHost = byHost.filter { $0.value.until > now }
        return before - byHost.count
    }

    // MARK: - On disk

    struct File: Codable {
        var version: Int
        var bans: [PeerBan]
    }

    /// Writes the list to `path`, replacing the file there atomically.
    public func save(to path: String) throws(PeerFileError) {
        let file = File(version: Self.fileVersion, bans: bans)
        try PeerFile.save(PeerFile.encode(file, path: path, what: "ban list"), to: path, what: "ban list")
    }

    /// The list saved at `path`; an empty list when there is no file. Throws `corrupt` for a file that is
    /// not a saved list, `unsupportedVersion` for another format version.
    public static func load(from path: String) throws(PeerFileError) -> BanList {
        var list = BanList()
        guard let data = try PeerFile.read(path, what: "ban list") else { return list }
        let file = try PeerFile.decode(File.self, from: data, version: fileVersion, path: path, what: "ban list")
        let latestFirst = file.bans.sorted { ($1.until, $0.host) < ($0.until, $1.host) }
        for ban in latestFirst where list.byHost[ban.host] == nil {
            _ = list.ban(host: ban.host, until: ban.until, reason: ban.reason)
        }
        return list
    }
}

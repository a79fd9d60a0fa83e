import ObolWire

/// The addresses the node knows, as a plain value: Bitcoin Core's address manager, simplified.
///
/// Two bounded tables:
/// - `new`: addresses heard of (gossip, the command line), each credited to the source that told us
///   first, and the entries `tried` gave back to make room;
/// - `tried`: addresses we connected to successfully at least once.
///
/// What keeps one operator from filling the book:
/// - a source (the announcing peer's group, or "manual"/"static") is credited with at most
///   `Limits.maxPerSource` entries of `new` that never connected (an entry that once connected is vouched
///   for by us, not by its source);
/// - one network group (`PeerEndpoint.group`, the /16 of an IPv4 address) holds at most
///   `Limits.maxPerGroup` entries of both tables together;
/// - dial candidates (`select`) come from distinct groups.
///
/// When `new` is full, an addition evicts its worst entry: the most failed dials, then the longest unseen.
/// When `tried` is full, a success moves the entry whose last success is oldest back to `new`. An entry of
/// `new` that never connected is dropped after `failuresBeforeDrop` failed dials. Time is a parameter, in
/// seconds since the Unix epoch.
public struct AddressBook: Sendable {
    /// The tables' bounds. Each is at least 1.
    public struct Limits: Sendable, Hashable {
        /// Entries of `new`.
        public var maxNew: Int
        /// Entries of `tried`.
        public var maxTried: Int
        /// Entries of `new` that never connected credited to one source.
        public var maxPerSource: Int
        /// Entries of both tables in one `PeerEndpoint.group`.
        public var maxPerGroup: Int

        public init(maxNew: Int = 4_096, maxTried: Int = 1_024, maxPerSource: Int = 256, maxPerGroup: Int = 64) {
            self.maxNew = max(1, maxNew)
            self.maxTried = max(1, maxTried)
            self.maxPerSource = max(1, maxPerSource)
            self.maxPerGroup = max(1, maxPerGroup)
        }
    }

    /// What the book keeps about one address.
    struct Entry: Sendable, Hashable {
        var isTried: Bool
        /// Who told us first ("connected" for an address first recorded by `markGood`).
        var source: String
        var lastSeen: UInt64
        var lastAttempt: UInt64?
        var lastSuccess: UInt64?
        /// Dials since the last success.
        var attempts: Int
        /// Failed dials since the last success.
        var failures: Int

        /// Whether the entry counts against its source's `maxPerSource`.
        var isCredited: Bool { !isTried && lastSuccess == nil }
    }

    /// Failed dials after which an entry of `new` that never connected is dropped.
    public static let failuresBeforeDrop = 5
    /// Seconds after a dial attempt before `select` offers the address again.
    public static let retryInterval: UInt64 = 60
    /// The source of an address first recorded by `markGood`.
    static let connectedSource = "connected"

    public let limits: Limits
    private(set) var entries: [PeerEndpoint: Entry] = [:]
    public private(set) var newCount = 0
    public private(set) var triedCount = 0
    /// Credited entries per source.
    private var sourceCounts: [String: Int] = [:]
    /// Entries of both tables per group.
    private var groupCounts: [String: Int] = [:]

    public init(limits: Limits = .init()) {
        // Through the initializer again, so that limits set to 0 afterwards are still at least 1.
        self.limits = Limits(maxNew: limits.maxNew, maxTried: limits.maxTried, maxPerSource: limits.maxPerSource,
                             maxPerGroup: limits.maxPerGroup)
    }

    /// Entries of both tables.
    public var count: Int { entries.count }

    public func contains(_ endpoint: PeerEndpoint) -> Bool { entries[endpoint] != nil }

    /// Who told us of `endpoint` first.
    public func source(of endpoint: PeerEndpoint) -> String? { entries[endpoint]?.source }

    // MARK: - Learning addresses

    /// Records addresses announced by `source`: unknown ones join `new` (credited to `source`), known ones
    /// are marked seen at `now`. An address is refused when `source` has its `maxPerSource` credited
    /// entries or its group its `maxPerGroup`; when `new` is full, its worst entry makes room (an entry
    /// added by this same call is never evicted by it: once the older entries are gone, the rest is
    /// refused). Endpoints with an empty host or a port outside 1…65535 are ignored. Returns the
    /// addresses added, in the order given.
    @discardableResult
    public mutating func add(_ endpoints: [PeerEndpoint], source: String, now: UInt64) -> [PeerEndpoint] {
        var unknown: [PeerEndpoint] = []
        for endpoint in endpoints where Self.isValid(endpoint) {
            if entries[endpoint] != nil {
                entries[endpoint]!.lastSeen = max(entries[endpoint]!.lastSeen, now)
            } else {
                unknown.append(endpoint)
            }
        }
        var added: Set<PeerEndpoint> = []
        var addedInOrder: [PeerEndpoint] = []
        var evictable: [PeerEndpoint]?  // the entries of `new` not added by this call, worst last
        for endpoint in unknown where entries[endpoint] == nil {
            guard sourceCounts[source, default: 0] < limits.maxPerSource,
                  groupCounts[endpoint.group, default: 0] < limits.maxPerGroup else { continue }
            if newCount >= limits.maxNew {
                if evictable == nil { evictable = newEntriesWorstLast().filter { !added.contains($0) } }
                guard let victim = evictable!.popLast() else { break }
                removeEntry(victim)
            }
            insert(endpoint, Entry(isTried: false, source: source, lastSeen: now, lastAttempt: nil,
                                   lastSuccess: nil, attempts: 0, failures: 0))
            added.insert(endpoint)
            addedInOrder.append(endpoint)
        }
        return addedInOrder
    }

    /// A dial of `endpoint` started at `now`: `select` skips it for `retryInterval` seconds.
    public mutating func markAttempt(_ endpoint: PeerEndpoint, now: UInt64) {
        guard var entry = entries[endpoint] else { return }
        entry.lastAttempt = max(entry.lastAttempt ?? now, now)
        entry.attempts += 1
        entries[endpoint] = entry
    }

    /// We connected to `endpoint` at `now`: it moves to `tried` (recorded there if unknown) and its dial
    /// counts are cleared. When `tried` is full, the entry of `tried` whose last success is oldest goes back
    /// to `new` (evicting the worst of `new` if that is full). An unknown address whose group is at its cap
    /// takes the place of the group's worst entry of `new`; with none, it is not recorded.
    public mutating func markGood(_ endpoint: PeerEndpoint, now: UInt64) {
        guard Self.isValid(endpoint) else { return }
        var entry: Entry
        if let known = removeEntry(endpoint) {
            entry = known
        } else {
            if groupCounts[endpoint.group, default: 0] >= limits.maxPerGroup {
                guard let victim = worstNewEntry(where: { $0.group == endpoint.group }) else { return }
                removeEntry(victim)
            }
            entry = Entry(isTried: false, source: Self.connectedSource, lastSeen: now, lastAttempt: nil,
                          lastSuccess: nil, attempts: 0, failures: 0)
        }
        entry.isTried = true
        entry.lastSuccess = now
        entry.lastSeen = max(entry.lastSeen, now)
        entry.attempts = 0
        entry.failures = 0
        if triedCount >= limits.maxTried, let oldest = oldestTriedEntry() {
            var demoted = removeEntry(oldest)!
            demoted.isTried = false
            if newCount >= limits.maxNew, let victim = worstNewEntry(where: { _ in true }) { removeEntry(victim) }
            insert(oldest, demoted)
        }
        insert(endpoint, entry)
    }

    /// A dial of `endpoint` failed at `now` (which also counts as an attempt then, for the retry gap). An
    /// entry of `new` that never connected is dropped at its `failuresBeforeDrop`th failure.
    public mutating func markFailed(_ endpoint: PeerEndpoint, now: UInt64) {
        guard var entry = entries[endpoint] else { return }
        entry.failures += 1
        entry.lastAttempt = max(entry.lastAttempt ?? now, now)
        if entry.isCredited && entry.failures >= Self.failuresBeforeDrop {
            removeEntry(endpoint)
        } else {
            entries[endpoint] = entry
        }
    }

    /// Forgets `endpoint`.
    public mutating func remove(_ endpoint: PeerEndpoint) {
        removeEntry(endpoint)
    }

    // MARK: - Choosing addresses

    /// Up to `count` distinct addresses to dial, at random, alternating between `tried` and `new` (which
    /// one starts is random too; when one has nothing left, the other continues), at most one per group.
    /// Skips the addresses `excluding` names (connected, banned…) and those attempted less than
    /// `retryInterval` seconds before `now`.
    public func select(count: Int, now: UInt64, excluding: (PeerEndpoint) -> Bool,
                       using rng: inout some RandomNumberGenerator) -> [PeerEndpoint] {
        guard count > 0 else { return [] }
        var tried: [PeerEndpoint] = [], fresh: [PeerEndpoint] = []
        for (endpoint, entry) in entries where isDue(entry, now: now) && !excluding(endpoint) {
            if entry.isTried { tried.append(endpoint) } else { fresh.append(endpoint) }
        }
        // Sorted first, so that the same generator gives the same choice whatever the dictionary's order.
        tried.sort()
        fresh.sort()
        tried.shuffle(using: &rng)
        fresh.shuffle(using: &rng)
        var groups: Set<String> = []
        var picked: [PeerEndpoint] = []
        var triedIndex = 0, freshIndex = 0
        var fromTried = Bool.random(using: &rng)
        func next(_ list: [PeerEndpoint], _ index: inout Int) -> PeerEndpoint? {
            while index < list.count {
                let endpoint = list[index]
                index += 1
                if !groups.contains(endpoint.group) { return endpoint }
            }
            return nil
        }
        while picked.count < count {
            let choice = fromTried ? next(tried, &triedIndex) ?? next(fresh, &freshIndex)
                                   : next(fresh, &freshIndex) ?? next(tried, &triedIndex)
            guard let choice else { break }
            groups.insert(choice.group)
            picked.append(choice)
            fromTried.toggle()
        }
        return picked
    }

    /// Up to `count` distinct entries of both tables, at random, with the time each was last seen: the
    /// answer to a `getaddr`.
    public func sample(count: Int, using rng: inout some RandomNumberGenerator)
        -> [(endpoint: PeerEndpoint, lastSeen: UInt64)] {
        guard count > 0 else { return [] }
        var all = entries.keys.sorted()
        let taken = min(count, all.count)
        for index in 0..<taken {  // the first `taken` steps of a Fisher–Yates shuffle
            all.swapAt(index, Int.random(in: index..<all.count, using: &rng))
        }
        return all[..<taken].map { ($0, entries[$0]!.lastSeen) }
    }

    // MARK: - Internals

    /// Whether the book may hold `endpoint` at all.
    static func isValid(_ endpoint: PeerEndpoint) -> Bool {
        !endpoint.host.isEmpty && (1...65_535).contains(endpoint.port)
    }

    /// Whether `select` may offer the entry at `now` (a last attempt later than `now` counts as recent).
    private func isDue(_ entry: Entry, now: UInt64) -> Bool {
        guard let last = entry.lastAttempt else { return true }
        return now >= last && now - last >= Self.retryInterval
    }

    /// Whether `a` is a worse entry of `new` than `b`: more failures, then seen longer ago (then the
    /// endpoint's order, so that the choice never depends on the dictionary's).
    private static func isWorse(_ a: (PeerEndpoint, Entry), than b: (PeerEndpoint, Entry)) -> Bool {
        if a.1.failures != b.1.failures { return a.1.failures > b.1.failures }
        if a.1.lastSeen != b.1.lastSeen { return a.1.lastSeen < b.1.lastSeen }
        return a.0 < b.0
    }

    private func newEntriesWorstLast() -> [PeerEndpoint] {
        entries.filter { !$0.value.isTried }.sorted { Self.isWorse(($1.key, $1.value), than: ($0.key, $0.value)) }
            .map(\.key)
    }

    private func worstNewEntry(where accept: (PeerEndpoint) -> Bool) -> PeerEndpoint? {
        var worst: (PeerEndpoint, Entry)?
        for (endpoint, entry) in entries where !entry.isTried && accept(endpoint) {
            if worst == nil || Self.isWorse((endpoint, entry), than: worst!) { worst = (endpoint, entry) }
        }
        return worst?.0
    }

    /// The entry of `tried` whose last success is oldest (then seen longest ago, then by endpoint).
    private func oldestTriedEntry() -> PeerEndpoint? {
        entries.filter(\.value.isTried).min { a, b in
            (a.value.lastSuccess ?? 0, a.value.lastSeen, a.key) < (b.value.lastSuccess ?? 0, b.value.lastSeen, b.key)
        }?.key
    }

    /// Adds an entry that is not in the book, counting it.
    mutating func insert(_ endpoint: PeerEndpoint, _ entry: Entry) {
        precondition(entries[endpoint] == nil, "\(endpoint) is in the book already")
        entries[endpoint] = entry
        if entry.isTried { triedCount += 1 } else { newCount += 1 }
        if entry.isCredited { sourceCounts[entry.source, default: 0] += 1 }
        groupCounts[endpoint.group, default: 0] += 1
    }

    /// Removes an entry, uncounting it.
    @discardableResult
    private mutating func removeEntry(_ endpoint: PeerEndpoint) -> Entry? {
        guard let entry = entries.removeValue(forKey: endpoint) else { return nil }
        if entry.isTried { triedCount -= 1 } else { newCount -= 1 }
        if entry.isCredited { Self.decrement(&sourceCounts, entry.source) }
        Self.decrement(&groupCounts, endpoint.group)
        return entry
    }

    private static func decrement(_ counts: inout [String: Int], _ key: String) {
        if let value = counts[key], value > 1 { counts[key] = value - 1 } else { counts.removeValue(forKey: key) }
    }

    /// Credited entries of `source` (for tests and loading).
    func creditedCount(of source: String) -> Int { sourceCounts[source, default: 0] }

    /// Entries of both tables in `group`.
    func groupCount(of group: String) -> Int { groupCounts[group, default: 0] }
}

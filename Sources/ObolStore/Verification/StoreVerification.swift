import ObolCore

/// One way the store differs from the replay of its chain: the table it
/// concerns and what differs, printed as `table: detail`.
public struct StoreDisagreement: Sendable, Hashable, CustomStringConvertible {
    /// The SQLite table (`accounts`, `blocks`, `bodies`, `undo`, `txindex`,
    /// `address_tx`, `meta`), or `integrity_check` for SQLite's own check.
    public var table: String
    public var detail: String

    public init(_ table: String, _ detail: String) {
        self.table = table
        self.detail = detail
    }

    public var description: String { "\(table): \(detail)" }
}

/// What `StoreVerifier.verify` found.
public struct StoreVerification: Sendable {
    /// The tip the store records.
    public var tip: Hash256
    public var height: UInt64
    /// Best-chain blocks replayed with full validation (genesis excluded).
    public var blocksReplayed: Int
    /// Index entries off the best chain checked against the header rules
    /// (and, with a body, the body rules that need no account state).
    public var sideEntriesChecked: Int
    /// Valid stored blocks beyond the tip: a crash between writing their
    /// bodies and writing the tip move leaves them, and the node reconnects
    /// them at start-up. Not a disagreement.
    public var blocksBeyondTip: Int
    /// Header-only entries whose parent is not stored: written while the
    /// parent's entry was still queued when the node stopped; the node leaves
    /// them out when it loads. Not a disagreement.
    public var unlinkedEntries: Int
    public var disagreements: [StoreDisagreement]

    public var isClean: Bool { disagreements.isEmpty }

    /// The tables with at least one disagreement, in order of first appearance.
    public var tables: [String] {
        var seen = Set<String>()
        return disagreements.map(\.table).filter { seen.insert($0).inserted }
    }
}

/// How far the replay has got: `replayed` of `total` best-chain blocks.
public struct VerificationProgress: Sendable {
    public var replayed: Int
    public var total: Int
}

import Foundation
import GRDB
import ObolCore
import ObolNode

/// Checks a chain store against a replay of its own chain: `obol verify`.
///
/// It opens the database read-only, replays the best chain (the one ending
/// at the stored tip) from genesis with every consensus rule and no cache
/// (`ChainReplay`), checks every other index entry against the header rules,
/// and compares what the replay calls for with every table: `blocks` (the
/// header, height, parent, chain work, status and body flag of each entry),
/// `bodies`, `undo`, `accounts` (balances, nonces, maturity locks),
/// `txindex`, `address_tx` and the tip in `meta`. Then it runs SQLite's
/// `PRAGMA integrity_check`. It never writes.
///
/// What a crash legitimately leaves is not a disagreement: valid blocks
/// stored beyond the tip (their tip move was still queued) and header-only
/// entries whose parent is not stored. The node handles both at start-up.
public struct StoreVerifier: Sendable {
    public let path: String
    public let params: ChainParams

    public init(path: String, params: ChainParams) {
        self.path = path
        self.params = params
    }

    /// The store in a node's data directory (`chain.sqlite`).
    public init(dataDirectory: URL, params: ChainParams) {
        self.init(path: dataDirectory.appendingPathComponent(SQLiteChainStore.fileName).path, params: params)
    }

    /// Replays and compares. `now` is the clock reading for the future-drift
    /// rule; `progress` is called after each best-chain block.
    /// - Throws: `StoreError` when there is nothing to verify: no store at
    ///   `path`, a file that is not an Obol store, an empty store, or another
    ///   network's chain.
    public func verify(now: UInt64,
                       progress: (VerificationProgress) -> Void = { _ in }) throws(StoreError) -> StoreVerification {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notInitialized, "no chain store: \(path) does not exist")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "ObolStoreVerifier"
        return try SQLiteChainStore.mapErrors("verify \(path)") {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("meta"), try db.tableExists("blocks") else {
                    throw StoreError(.notInitialized, "\(path) is an SQLite database but not an Obol chain store")
                }
                let snapshot = StoreSnapshot(db)
                guard let tip = try snapshot.tip() else {
                    throw StoreError(.notInitialized, "\(path) holds no chain (the store is empty)")
                }
                var run = VerificationRun(snapshot: snapshot, replay: ChainReplay(params: params, now: now), tip: tip)
                return try run.verify(networkName: params.name, progress: progress)
            }
        }
    }
}

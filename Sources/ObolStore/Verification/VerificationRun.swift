import GRDB
import ObolCore
import ObolNode

/// One pass of `StoreVerifier` over a store, inside its read transaction:
/// replays the stored chain in height order and collects disagreements.
/// The comparisons of whole tables are in VerificationRun+Tables.swift.
struct VerificationRun {
    var snapshot: StoreSnapshot
    var replay: ChainReplay
    let tip: Hash256
    var disagreements: [StoreDisagreement] = []
    var rows: [Hash256: StoreSnapshot.BlockRow] = [:]
    /// The best chain by height, genesis first, as far as its rows link up.
    var bestChain: [Hash256] = []
    /// The height below which the best chain replayed (it all did when equal to its count).
    var replayedThrough = 0
    var sideEntriesChecked = 0
    var blocksBeyondTip = 0
    var unlinkedEntries = 0

    init(snapshot: StoreSnapshot, replay: ChainReplay, tip: Hash256) {
        self.snapshot = snapshot
        self.replay = replay
        self.tip = tip
    }

    mutating func disagree(_ table: String, _ detail: String) {
        disagreements.append(StoreDisagreement(table, detail))
    }

    mutating func verify(networkName: String,
                         progress: (VerificationProgress) -> Void) throws -> StoreVerification {
        rows = try snapshot.blocks()
        let genesis = replay.genesisEntry
        guard rows[genesis.hash] != nil else {
            throw StoreError(.corrupt, "the store holds no genesis block of the \(networkName) network: "
                                       + "it holds another network's chain (see --network)")
        }
        findBestChain(genesis: genesis.hash)
        let bestChainSet = Set(bestChain)
        let total = max(bestChain.count - 1, 0)
        progress(VerificationProgress(replayed: 0, total: total))
        checkRow(rows[genesis.hash]!, replayed: genesis, onBestChain: true)
        replayedThrough = bestChain.isEmpty ? 0 : 1
        var replayBroken = bestChain.isEmpty
        let ordered = rows.values.filter { $0.entry.hash != genesis.hash }
            .sorted { ($0.entry.height, $0.entry.hash) < ($1.entry.height, $1.entry.hash) }
        for row in ordered {
            let entry = row.entry
            guard replay.chainWork(of: entry.header) != nil else {
                if !bestChainSet.contains(entry.hash) { unlinkedEntries += 1 }
                continue
            }
            if bestChainSet.contains(entry.hash) {
                guard !replayBroken else { continue }
                replayBroken = !(try replayBestChainBlock(row))
                if !replayBroken {
                    replayedThrough += 1
                    progress(VerificationProgress(replayed: replayedThrough - 1, total: total))
                }
            } else {
                try checkSideEntry(row)
            }
        }
        try compareTables(bestChainReplayed: !replayBroken && replayedThrough == bestChain.count)
        try snapshot.checkIntegrity()
        return StoreVerification(tip: tip, height: rows[tip]?.entry.height ?? 0,
                                 blocksReplayed: max(replayedThrough - 1, 0), sideEntriesChecked: sideEntriesChecked,
                                 blocksBeyondTip: blocksBeyondTip, unlinkedEntries: unlinkedEntries,
                                 disagreements: snapshot.disagreements + disagreements)
    }

    /// Follows parent links from the tip down to genesis.
    private mutating func findBestChain(genesis: Hash256) {
        guard rows[tip] != nil else {
            disagree("meta", "tip \(tip) has no row in blocks")
            return
        }
        var chain: [Hash256] = []
        var cursor = tip
        var height = rows[tip]!.entry.height
        while let row = rows[cursor], chain.count <= rows.count {
            chain.append(cursor)
            if cursor == genesis { break }
            guard row.entry.height > 0 else {
                disagree("blocks", "\(cursor) at height 0 on the tip's chain is not the genesis block")
                return
            }
            cursor = row.entry.previousHash
            height = row.entry.height - 1
        }
        guard chain.last == genesis else {
            disagree("blocks", "\(cursor), the tip's ancestor at height \(height), has no row")
            return
        }
        bestChain = chain.reversed()
    }

    /// Replays one best-chain block in full; false when the replay cannot go on.
    private mutating func replayBestChainBlock(_ row: StoreSnapshot.BlockRow) throws -> Bool {
        let entry = row.entry
        let place = "\(entry.hash) at height \(entry.height)"
        guard let block = try snapshot.body(entry.hash) else {
            disagree("bodies", "best-chain block \(place) has no body")
            return false
        }
        guard block.hash == entry.hash else {
            disagree("bodies", "the body stored for \(place) is block \(block.hash)")
            return false
        }
        guard block.header.previousHash == replay.tree.tip.hash else {
            disagree("blocks", "best-chain block \(place) does not extend the replayed chain at \(replay.tree.tip.hash)")
            return false
        }
        let undo: BlockUndo
        do {
            undo = try replay.connect(block)
        } catch {
            disagree("blocks", "best-chain block \(place) breaks a consensus rule: \(error)")
            return false
        }
        checkRow(row, replayed: replay.tree.entry(entry.hash)!, onBestChain: true)
        switch try snapshot.undo(entry.hash) {
        case nil: disagree("undo", "best-chain block \(place) has no undo data")
        case let stored? where stored != undo: disagree("undo", "\(place): stored undo data differs from the replay's")
        default: break
        }
        return true
    }

    /// An entry off the best chain: header rules, and body rules for a valid body.
    private mutating func checkSideEntry(_ row: StoreSnapshot.BlockRow) throws {
        let entry = row.entry
        let body = entry.hasBody && entry.status == .valid ? try snapshot.body(entry.hash) : nil
        if let body, body.hash != entry.hash {
            disagree("bodies", "the body stored for \(entry.hash) at height \(entry.height) is block \(body.hash)")
        }
        do {
            try replay.addSideEntry(entry, body: body?.hash == entry.hash ? body : nil)
        } catch {
            disagree("blocks",
                     "\(entry.hash) at height \(entry.height), off the best chain, breaks a consensus rule: \(error)")
        }
        sideEntriesChecked += 1
        checkRow(row, replayed: replay.tree.entry(entry.hash)!, onBestChain: false)
        if entry.status == .valid, entry.hasBody, entry.height > (rows[tip]?.entry.height ?? .max),
           replay.tree.ancestor(of: entry.hash, at: rows[tip]!.entry.height)?.hash == tip {
            blocksBeyondTip += 1
        }
    }

    /// The columns of a `blocks` row against its header and the replay.
    private mutating func checkRow(_ row: StoreSnapshot.BlockRow, replayed: BlockIndexEntry, onBestChain: Bool) {
        let stored = row.entry
        let name = "\(stored.hash) at height \(stored.height)"
        if stored.header.hash != stored.hash {
            disagree("blocks", "row \(stored.hash) holds the header of \(stored.header.hash)")
        }
        if row.storedHeight != Int64(bitPattern: stored.height) {
            disagree("blocks", "\(name): height \(row.storedHeight) stored, \(stored.height) replayed")
        }
        if row.storedPrevious != stored.previousHash {
            disagree("blocks", "\(name): prev \(row.storedPrevious) stored, \(stored.previousHash) replayed")
        }
        if stored.chainWork != replayed.chainWork {
            disagree("blocks", "\(name): chain work \(stored.chainWork) stored, \(replayed.chainWork) replayed")
        }
        if onBestChain, stored.status != .valid {
            disagree("blocks", "best-chain block \(name): status \(stored.status) stored, valid replayed")
        }
        if onBestChain, !stored.hasBody {
            disagree("blocks", "best-chain block \(name): has_body 0 stored, 1 replayed")
        }
    }
}

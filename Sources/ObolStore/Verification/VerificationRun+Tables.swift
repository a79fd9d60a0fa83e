import ObolCore
import ObolNode

// Whole tables against the replay: accounts, the transaction and address
// indexes, the tip they belong to, and the rows that must come in pairs.
extension VerificationRun {
    mutating func compareTables(bestChainReplayed: Bool) throws {
        let storedTransactions = try snapshot.transactionIndex()
        checkTipAgainstIndex(storedTransactions)
        try checkBodiesAndUndo()
        guard bestChainReplayed else {
            let reason = "not compared: the best chain replays only up to height \(max(replayedThrough - 1, 0))"
            for table in ["accounts", "txindex", "address_tx"] { disagree(table, reason) }
            return
        }
        compareAccounts(try snapshot.accounts())
        compareTransactions(storedTransactions)
        compareAddresses(try snapshot.addressIndex())
    }

    /// The indexes are written with the tip in one transaction, so the highest
    /// best-chain block the transaction index holds (every block holds a
    /// coinbase) must be the tip.
    private mutating func checkTipAgainstIndex(_ stored: [Hash256: StoreSnapshot.TransactionRow]) {
        guard let top = stored.values.max(by: { ($0.height, $0.block) < ($1.height, $1.block) }) else {
            disagree("meta", "tip \(tip) stored, but txindex is empty")
            return
        }
        guard top.block != tip else { return }
        let height = rows[tip].map { "\($0.entry.height)" } ?? "unknown"
        disagree("meta", "tip \(tip) at height \(height) stored, but the indexes and accounts describe the chain "
                         + "up to \(top.block) at height \(top.height)")
    }

    private mutating func checkBodiesAndUndo() throws {
        let bodies = try snapshot.keys(of: "bodies")
        let undo = try snapshot.keys(of: "undo")
        let bestChainSet = Set(bestChain)
        for hash in bodies.sorted() where rows[hash] == nil { disagree("bodies", "\(hash) has a body but no row in blocks") }
        for hash in undo.sorted() where rows[hash] == nil { disagree("undo", "\(hash) has undo data but no row in blocks") }
        for row in rows.values.sorted(by: { ($0.entry.height, $0.entry.hash) < ($1.entry.height, $1.entry.hash) }) {
            let entry = row.entry
            let name = "\(entry.hash) at height \(entry.height)"
            if entry.hasBody, !bodies.contains(entry.hash), !bestChainSet.contains(entry.hash) {
                disagree("bodies", "\(name) has has_body 1 but no body")
            }
            if !entry.hasBody, bodies.contains(entry.hash) {
                disagree("bodies", "\(name) has a body but has_body 0")
            }
        }
    }

    private mutating func compareAccounts(_ stored: [Address: Account]) {
        let replayed = replay.accounts.accounts
        for address in Set(stored.keys).union(replayed.keys).sorted() {
            switch (stored[address], replayed[address]) {
            case let (s?, r?):
                if s.balance != r.balance {
                    disagree("accounts", "\(address) balance \(s.balance) stored, \(r.balance) replayed")
                }
                if s.nonce != r.nonce { disagree("accounts", "\(address) nonce \(s.nonce) stored, \(r.nonce) replayed") }
                if s.locks != r.locks {
                    disagree("accounts", "\(address) maturity locks \(Self.describe(s.locks)) stored, "
                                         + "\(Self.describe(r.locks)) replayed")
                }
            case let (s?, nil):
                disagree("accounts", "\(address) balance \(s.balance) nonce \(s.nonce) stored, no such account replayed")
            case let (nil, r?):
                disagree("accounts", "\(address) missing, balance \(r.balance) nonce \(r.nonce) replayed")
            case (nil, nil): break
            }
        }
    }

    private mutating func compareTransactions(_ stored: [Hash256: StoreSnapshot.TransactionRow]) {
        let replayed = replay.transactions
        for txid in Set(stored.keys).union(replayed.keys).sorted() {
            switch (stored[txid], replayed[txid]) {
            case let (s?, r?) where s != r:
                disagree("txindex", "\(txid) \(Self.describe(s)) stored, \(Self.describe(r)) replayed")
            case let (s?, nil):
                disagree("txindex", "\(txid) \(Self.describe(s)) stored, not on the replayed best chain")
            case let (nil, r?):
                disagree("txindex", "\(txid) missing, \(Self.describe(r)) replayed")
            default: break
            }
        }
    }

    private mutating func compareAddresses(_ stored: Set<StoreSnapshot.AddressRow>) {
        let order: (StoreSnapshot.AddressRow, StoreSnapshot.AddressRow) -> Bool = {
            ($0.address, $0.height, $0.index, $0.txid) < ($1.address, $1.height, $1.index, $1.txid)
        }
        for row in stored.subtracting(replay.addresses).sorted(by: order) {
            disagree("address_tx", "\(Self.describe(row)) stored, not replayed")
        }
        for row in replay.addresses.subtracting(stored).sorted(by: order) {
            disagree("address_tx", "\(Self.describe(row)) missing, replayed")
        }
    }

    private static func describe(_ row: StoreSnapshot.TransactionRow) -> String {
        "in block \(row.block) at height \(row.height) index \(row.index)"
    }

    private static func describe(_ row: StoreSnapshot.AddressRow) -> String {
        "\(row.address) height \(row.height) index \(row.index) txid \(row.txid)"
    }

    private static func describe(_ locks: [MaturityLock]) -> String {
        locks.isEmpty ? "none" : locks.map { "\($0.amount)@\($0.height)" }.joined(separator: ",")
    }
}

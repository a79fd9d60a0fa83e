import ObolCore

extension Block {
    /// Calls `body` once for every (transaction, address) pair the address
    /// index holds for this block: the coinbase's recipient, and each
    /// transfer's sender and recipient (once when they are the same).
    package func forEachIndexedAddress(_ body: (_ txid: Hash256, _ index: Int, _ address: Address) throws -> Void) rethrows {
        for (index, transaction) in transactions.enumerated() {
            let (first, second) = Self.indexedAddresses(of: transaction)
            let txid = transaction.id
            try body(txid, index, first)
            if let second { try body(txid, index, second) }
        }
    }

    /// Whether the address index lists `transaction` under `address`.
    static func indexes(_ transaction: Transaction, under address: Address) -> Bool {
        let (first, second) = indexedAddresses(of: transaction)
        return first == address || second == address
    }

    /// The addresses the index lists a transaction under: the coinbase's
    /// recipient, or a transfer's sender and its recipient (once when they
    /// are the same).
    private static func indexedAddresses(of transaction: Transaction) -> (Address, Address?) {
        switch transaction {
        case let .coinbase(coinbase): (coinbase.recipient, nil)
        case let .transfer(transfer):
            (transfer.senderAddress, transfer.recipient == transfer.senderAddress ? nil : transfer.recipient)
        }
    }
}

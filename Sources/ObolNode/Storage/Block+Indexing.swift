import ObolCore

extension Block {
    /// Calls `body` once for every (transaction, address) pair the address
    /// index holds for this block: the coinbase's recipient, and each
    /// transfer's sender and recipient (once when they are the same).
    func forEachIndexedAddress(_ body: (_ txid: Hash256, _ index: Int, _ address: Address) throws -> Void) rethrows {
        for (index, transaction) in transactions.enumerated() {
            switch transaction {
            case let .coinbase(coinbase):
                try body(coinbase.id, index, coinbase.recipient)
            case let .transfer(transfer):
                try body(transfer.id, index, transfer.senderAddress)
                if transfer.recipient != transfer.senderAddress {
                    try body(transfer.id, index, transfer.recipient)
                }
            }
        }
    }

    /// Whether the address index lists `transaction` under `address`.
    static func indexes(_ transaction: Transaction, under address: Address) -> Bool {
        switch transaction {
        case let .coinbase(coinbase): coinbase.recipient == address
        case let .transfer(transfer): transfer.senderAddress == address || transfer.recipient == address
        }
    }
}

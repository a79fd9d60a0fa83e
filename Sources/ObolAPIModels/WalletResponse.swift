import ObolCore

/// `GET /wallet`: the node wallet's address and network, its confirmed balance and nonce, and what
/// waits in the mempool for it. Every amount is in base units (1 coin = 100,000,000).
public struct WalletResponse: Codable, Sendable, Hashable {
    public var address: Address
    /// The network's name (`devnet`, `test`, …).
    public var network: String
    /// The network id the wallet signs with.
    public var networkID: UInt32
    /// The fee `POST /wallet/send` uses when none is given.
    public var minimumFee: UInt64
    /// Confirmed balance, immature coins included.
    public var balance: UInt64
    /// What a transfer in the next block may spend (`balance − immature`).
    public var spendable: UInt64
    /// Newly mined coins not yet spendable in the next block.
    public var immature: UInt64
    /// The confirmed nonce: the one the next confirmed transfer must carry.
    public var nonce: UInt64
    /// The nonce the next transfer the wallet signs will carry, counting its transfers in the mempool.
    public var nextNonce: UInt64
    public var pending: WalletPending

    public init(address: Address, network: String, networkID: UInt32, minimumFee: UInt64, balance: UInt64,
                spendable: UInt64, nonce: UInt64, nextNonce: UInt64, pending: WalletPending) {
        self.address = address
        self.network = network
        self.networkID = networkID
        self.minimumFee = minimumFee
        self.balance = balance
        self.spendable = spendable
        self.immature = balance - min(spendable, balance)
        self.nonce = nonce
        self.nextNonce = nextNonce
        self.pending = pending
    }
}

/// The wallet's transfers waiting in the mempool: how many (sent or received), the amounts plus fees
/// of the ones it sends (`outgoing`) and the amounts of the ones that pay it (`incoming`). The sums
/// saturate at `UInt64.max` rather than overflow.
public struct WalletPending: Codable, Sendable, Hashable {
    public var count: Int
    public var outgoing: UInt64
    public var incoming: UInt64

    public init(count: Int, outgoing: UInt64, incoming: UInt64) {
        self.count = count
        self.outgoing = outgoing
        self.incoming = incoming
    }

    /// The summary of `transfers` (mempool transfers involving `address`) for `address`; a transfer to
    /// itself counts as both outgoing and incoming.
    public init(_ transfers: [Transfer], for address: Address) {
        var outgoing: UInt64 = 0, incoming: UInt64 = 0
        func add(_ value: UInt64, to sum: inout UInt64) {
            let (total, overflow) = sum.addingReportingOverflow(value)
            sum = overflow ? .max : total
        }
        for transfer in transfers {
            if transfer.senderAddress == address {
                add(transfer.amount, to: &outgoing)
                add(transfer.fee, to: &outgoing)
            }
            if transfer.recipient == address { add(transfer.amount, to: &incoming) }
        }
        self.init(count: transfers.count, outgoing: outgoing, incoming: incoming)
    }
}

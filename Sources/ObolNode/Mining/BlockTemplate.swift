import ObolCore

/// A block ready for proof of work: coinbase, transfers and a header whose
/// nonce is still open. Building it is pure, so it is tested directly.
public struct BlockTemplate: Sendable, Hashable {
    /// Bytes before the extra nonce in the coinbase data.
    public static let defaultTag = Array("obol".utf8)

    public let context: MiningContext
    public let coinbase: Coinbase
    /// The transfers in block order (after the coinbase).
    public let transfers: [Transfer]
    /// The header with nonce 0.
    public let header: BlockHeader
    /// Varied when a job runs out of nonces, so the coinbase and root change.
    public let extraNonce: UInt64

    /// Sum of the included transfers' fees.
    public var fees: UInt64 { coinbase.amount - reward }
    public let reward: UInt64

    /// Builds the next block on `context`.
    ///
    /// Transfers are taken in the given order (the mempool's template order,
    /// each sender's in nonce order) while they fit the network's size and
    /// count limits and their fees do not overflow. One that does not fit is
    /// left out with every later transfer of its sender, as the mempool's
    /// `template(maxCount:maxBytes:)` does. The coinbase pays
    /// `params.reward(at:)` plus the fees to `recipient`; its data is `tag`
    /// followed by the extra nonce (8 bytes, little-endian). The timestamp is
    /// `max(now, context.minimumTimestamp)`.
    public init(context: MiningContext, transfers candidates: [Transfer], recipient: Address, params: ChainParams,
                now: UInt64, extraNonce: UInt64 = 0, tag: [UInt8] = BlockTemplate.defaultTag) {
        var data = Array(tag.prefix(Limits.maxCoinbaseData - 8))
        withUnsafeBytes(of: extraNonce.littleEndian) { data.append(contentsOf: $0) }

        let reward = params.reward(at: context.height)
        var bytesLeft = Self.transferBytes(params: params, coinbaseDataSize: data.count)
        let countLimit = Self.transferCount(params: params)
        var included = [Transfer]()
        included.reserveCapacity(min(candidates.count, countLimit))
        var fees: UInt64 = 0
        // A transfer that does not fit ends its sender's run (a later nonce of
        // the same sender would leave a gap); other senders may still fill the space.
        var cutSenders = Set<Address>()
        for transfer in candidates {
            guard included.count < countLimit else { break }
            guard !cutSenders.contains(transfer.senderAddress) else { continue }
            let (sum, overflow) = fees.addingReportingOverflow(transfer.fee)
            guard transfer.size <= bytesLeft, !overflow, !reward.addingReportingOverflow(sum).overflow else {
                cutSenders.insert(transfer.senderAddress)
                continue
            }
            fees = sum
            bytesLeft -= transfer.size
            included.append(transfer)
        }

        let coinbase = Coinbase(networkID: params.networkID, height: context.height, recipient: recipient,
                                amount: reward + fees, data: data)
        var leaves = [Hash256]()
        leaves.reserveCapacity(included.count + 1)
        leaves.append(coinbase.id)
        for transfer in included { leaves.append(transfer.fullHash) }

        self.context = context
        self.coinbase = coinbase
        self.transfers = included
        self.reward = reward
        self.extraNonce = extraNonce
        self.header = BlockHeader(height: context.height, previousHash: context.previousHash,
                                  merkleRoot: MerkleTree.root(of: leaves),
                                  timestamp: max(now, context.minimumTimestamp), bits: context.bits, nonce: 0)
    }

    /// The most transfers a block on this network can hold next to its coinbase.
    public static func transferCount(params: ChainParams) -> Int {
        max(0, min(params.maxBlockTransactions, Limits.maxBlockTransactions) - 1)
    }

    /// The bytes left for transfers in a block whose coinbase data has `coinbaseDataSize` bytes.
    public static func transferBytes(params: ChainParams, coinbaseDataSize: Int = defaultTag.count + 8) -> Int {
        let limit = min(params.maxBlockSize, Limits.maxBlockSize)
        return max(0, limit - BlockHeader.size - 4 - Coinbase.baseSize - coinbaseDataSize)
    }

    /// The complete block with `nonce`.
    public func block(nonce: UInt64) -> Block {
        var header = header
        header.nonce = nonce
        var transactions = [Transaction]()
        transactions.reserveCapacity(transfers.count + 1)
        transactions.append(.coinbase(coinbase))
        for transfer in transfers { transactions.append(.transfer(transfer)) }
        return Block(header: header, transactions: transactions)
    }
}

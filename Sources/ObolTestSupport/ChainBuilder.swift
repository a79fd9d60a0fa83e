import ObolCore

/// Builds valid Obol chains quickly, for tests.
///
/// A builder holds a whole chain from genesis: its blocks, the account state
/// at the tip and the undo data of every block. Blocks it makes always carry
/// the height, bits (``Retarget``) and a timestamp after the median time past
/// (``MedianTimePast``) that the chain expects, a coinbase paying exactly the
/// reward plus fees, and a nonce found by incrementing until the header meets
/// its own target. At the `test` preset's trivial difficulty that takes about
/// two hashes.
///
/// Typical use:
/// ```swift
/// var chain = ChainBuilder()                       // ChainParams.test
/// chain.addTransfer(to: bob, amount: 10 * ChainParams.coin)
/// try chain.mine()                                 // validated and connected
///
/// var broken = chain.makeBlock()                   // the next block, not appended
/// broken.header.merkleRoot = .zero
/// broken = ChainBuilder.remine(broken, recomputeMerkleRoot: false)
/// #expect(throws: ValidationError.merkleRootMismatch) {
///     try chain.validate(broken, chain.context(for: broken))
/// }
/// ```
///
/// It is a value type: a copy is an independent chain. ``forked(at:coinbaseData:)``
/// copies it and rolls the copy back to an earlier height, so a test can
/// build competing branches from a common ancestor.
public struct ChainBuilder: Sendable {
    /// The network rules the chain follows.
    public let params: ChainParams
    /// Every block from genesis (index 0) to the tip; index equals height.
    public private(set) var blocks: [Block]
    /// `undos[i]` undoes `blocks[i + 1]` (genesis has none).
    public private(set) var undos: [BlockUndo]
    /// The account state after the tip.
    public private(set) var state: AccountState
    /// Transfers queued with ``addTransfer(from:to:amount:fee:data:)``; the
    /// next ``mine(transfers:timestamp:miner:)`` includes them.
    public private(set) var pendingTransfers: [Transfer] = []
    /// Where coinbases pay unless a call names another address.
    public var minerAddress: Address
    /// Data put in every coinbase unless a call names other data. Two blocks
    /// built on the same parent with the same inputs are identical, so forks
    /// should differ here, in the miner, the timestamp or the transfers.
    public var coinbaseData: [UInt8] = []

    /// A chain holding only the genesis block of `params`.
    /// - Parameters:
    ///   - params: the network; the default `test` preset has trivial difficulty
    ///     and its genesis allocation is held by ``allocationKey``.
    ///   - minerAddress: where coinbases pay; defaults to ``minerKey``'s address.
    public init(params: ChainParams = .test, minerAddress: Address? = nil) {
        self.params = params
        blocks = [params.genesisBlock]
        undos = []
        state = AccountState(genesis: params)
        self.minerAddress = minerAddress ?? Self.minerKey.publicKey.address
    }

    // MARK: - Chain facts

    /// The genesis block.
    public var genesis: Block { blocks[0] }
    /// The last block.
    public var tip: Block { blocks[blocks.count - 1] }
    /// Height of the tip (0 for a chain holding only genesis).
    public var height: UInt64 { UInt64(blocks.count - 1) }
    /// Height of the next block.
    public var nextHeight: UInt64 { UInt64(blocks.count) }

    /// The block at `height`.
    public func block(at height: UInt64) -> Block { blocks[Int(height)] }

    /// The median time past the next block's timestamp must exceed: the
    /// median of the last `params.medianTimeSpan` timestamps.
    public var medianTimePast: UInt64 {
        MedianTimePast.of(blocks.suffix(params.medianTimeSpan).map(\.header.timestamp))
    }

    /// The bits the next block must carry.
    public var nextBits: CompactTarget {
        let next = nextHeight
        let parent = tip.header
        let windowStart = Retarget.isRetargetHeight(next, params: params)
            ? block(at: Retarget.windowStartHeight(for: next, params: params)).header.timestamp
            : parent.timestamp
        return Retarget.nextBits(height: next, parentBits: parent.bits, parentTimestamp: parent.timestamp,
                                 windowStartTimestamp: windowStart, params: params)
    }

    /// The default timestamp of the next block: the tip's plus the target spacing.
    public var nextTimestamp: UInt64 { tip.header.timestamp + params.targetBlockTime }

    /// What the next block is checked against, with the local clock at `now`.
    public func nextContext(now: UInt64) -> HeaderContext {
        HeaderContext(expectedHeight: nextHeight, expectedBits: nextBits, medianTimePast: medianTimePast, now: now)
    }

    /// What `block`, as a child of the tip, is checked against. The clock
    /// reads `now`, by default the block's own timestamp (a block that
    /// arrives the moment it was mined).
    public func context(for block: Block, now: UInt64? = nil) -> HeaderContext {
        nextContext(now: now ?? block.header.timestamp)
    }

    /// The nonce `address`'s next transfer must carry, counting queued transfers.
    public func nextNonce(for address: Address) -> UInt64 {
        state[address].nonce + UInt64(pendingTransfers.count { $0.senderAddress == address })
    }

    // MARK: - Transactions

    /// A signed transfer. It is not queued: pass it to
    /// ``makeBlock(transfers:timestamp:miner:coinbaseData:)`` or
    /// ``mine(transfers:timestamp:miner:)``, or queue it with ``addTransfer(_:)``.
    /// - Parameters:
    ///   - key: the sender; defaults to ``allocationKey``, which holds the genesis allocation.
    ///   - fee: defaults to `params.minimumFee`.
    ///   - nonce: defaults to ``nextNonce(for:)`` of the sender.
    ///   - networkID: defaults to `params.networkID`.
    public func transfer(from key: PrivateKey = ChainBuilder.allocationKey, to recipient: Address,
                         amount: UInt64, fee: UInt64? = nil, nonce: UInt64? = nil, data: [UInt8] = [],
                         networkID: UInt32? = nil) -> Transfer {
        Transfer.signed(by: key, networkID: networkID ?? params.networkID, to: recipient, amount: amount,
                        fee: fee ?? params.minimumFee, nonce: nonce ?? nextNonce(for: key.publicKey.address),
                        data: data)
    }

    /// Signs a transfer with the sender's next nonce and queues it for the next mined block.
    @discardableResult
    public mutating func addTransfer(from key: PrivateKey = ChainBuilder.allocationKey, to recipient: Address,
                                     amount: UInt64, fee: UInt64? = nil, data: [UInt8] = []) -> Transfer {
        let transfer = transfer(from: key, to: recipient, amount: amount, fee: fee, data: data)
        pendingTransfers.append(transfer)
        return transfer
    }

    /// Queues an already signed transfer for the next mined block.
    public mutating func addTransfer(_ transfer: Transfer) {
        pendingTransfers.append(transfer)
    }

    /// Drops every queued transfer.
    public mutating func clearPendingTransfers() { pendingTransfers.removeAll() }

    /// A coinbase for a block at `height` (default: the next) paying the
    /// reward plus `fees`. The sum wraps instead of trapping, so a test can
    /// build blocks whose fees overflow.
    public func coinbase(height: UInt64? = nil, fees: UInt64 = 0, miner: Address? = nil,
                         data: [UInt8]? = nil) -> Coinbase {
        let height = height ?? nextHeight
        return Coinbase(networkID: params.networkID, height: height, recipient: miner ?? minerAddress,
                        amount: params.reward(at: height) &+ fees, data: data ?? coinbaseData)
    }

    // MARK: - Blocks

    /// The next block, mined but not appended: a coinbase paying reward plus
    /// fees, then `transfers` (default: the queued ones) in order.
    /// - Parameter timestamp: defaults to ``nextTimestamp``.
    public func makeBlock(transfers: [Transfer]? = nil, timestamp: UInt64? = nil, miner: Address? = nil,
                          coinbaseData: [UInt8]? = nil) -> Block {
        let transfers = transfers ?? pendingTransfers
        let fees = transfers.reduce(UInt64(0)) { $0 &+ $1.fee }
        let coinbase = coinbase(fees: fees, miner: miner, data: coinbaseData)
        return assemble([.coinbase(coinbase)] + transfers.map(Transaction.transfer), timestamp: timestamp)
    }

    /// The next block (see ``makeBlock(transfers:timestamp:miner:coinbaseData:)``)
    /// together with the context it must be validated against, the clock
    /// reading `now` (default: the block's timestamp).
    public func nextBlock(transfers: [Transfer]? = nil, timestamp: UInt64? = nil, miner: Address? = nil,
                          coinbaseData: [UInt8]? = nil, now: UInt64? = nil) -> (block: Block, context: HeaderContext) {
        let block = makeBlock(transfers: transfers, timestamp: timestamp, miner: miner, coinbaseData: coinbaseData)
        return (block, context(for: block, now: now))
    }

    /// A mined block on top of the tip holding exactly `transactions`, with
    /// the correct Merkle root. Header fields default to what the chain
    /// expects; override one to break a header rule.
    public func assemble(_ transactions: [Transaction], timestamp: UInt64? = nil, height: UInt64? = nil,
                         bits: CompactTarget? = nil, previousHash: Hash256? = nil) -> Block {
        let header = BlockHeader(height: height ?? nextHeight, previousHash: previousHash ?? tip.hash,
                                 merkleRoot: MerkleTree.root(of: transactions.map(\.fullHash)),
                                 timestamp: timestamp ?? nextTimestamp, bits: bits ?? nextBits)
        return Block(header: Self.mine(header), transactions: transactions)
    }

    /// Makes the next block, validates it against the chain, appends it and,
    /// when `transfers` is nil, clears the queued transfers it included.
    /// - Parameter transfers: defaults to the queued transfers.
    @discardableResult
    public mutating func mine(transfers: [Transfer]? = nil, timestamp: UInt64? = nil,
                              miner: Address? = nil) throws(ValidationError) -> Block {
        let block = makeBlock(transfers: transfers, timestamp: timestamp, miner: miner)
        try append(block)
        if transfers == nil { pendingTransfers.removeAll() }
        return block
    }

    /// Mines `count` blocks (the first includes any queued transfers).
    public mutating func mine(count: Int) throws(ValidationError) {
        for _ in 0..<count { try mine() }
    }

    /// Validates `block` as the tip's child through every stage (see
    /// ``validate(_:_:)``) and connects it. A block whose previous hash is
    /// not the tip's is a test bug and traps.
    /// - Parameter now: the clock; defaults to the block's timestamp.
    public mutating func append(_ block: Block, now: UInt64? = nil) throws(ValidationError) {
        precondition(block.header.previousHash == tip.hash,
                     "ChainBuilder.append: block \(block.hash) does not extend the tip \(tip.hash)")
        let undo = try Self.checkAndConnect(block, context(for: block, now: now), state: &state, params: params)
        blocks.append(block)
        undos.append(undo)
    }

    /// Removes the tip (never genesis), restores the state before it and
    /// drops queued transfers (their nonces may no longer fit).
    @discardableResult
    public mutating func disconnectTip() -> Block {
        precondition(blocks.count > 1, "ChainBuilder: cannot disconnect genesis")
        state.disconnect(undos.removeLast())
        pendingTransfers.removeAll()
        return blocks.removeLast()
    }

    /// A copy of this chain rolled back to `height`, for building a
    /// competing branch; queued transfers are dropped.
    /// - Parameter coinbaseData: the fork's coinbase data, so its blocks
    ///   differ from this chain's even when built with the same inputs.
    public func forked(at height: UInt64, coinbaseData: [UInt8]? = nil) -> ChainBuilder {
        precondition(height <= self.height, "ChainBuilder: cannot fork above the tip")
        var copy = self
        while copy.height > height { copy.disconnectTip() }
        copy.pendingTransfers.removeAll()
        if let coinbaseData { copy.coinbaseData = coinbaseData }
        return copy
    }
}

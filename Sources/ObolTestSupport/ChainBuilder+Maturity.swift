import ObolCore

extension ChainParams {
    /// The `test` preset (no maturity) with coinbase maturity `blocks`: a
    /// coinbase at height m is spendable by a block at height m + `blocks`.
    public static func test(coinbaseMaturity blocks: UInt64) -> ChainParams {
        var params = ChainParams.test
        params.coinbaseMaturity = blocks
        return params
    }
}

extension ChainBuilder {
    /// A `test` chain whose coinbases need `coinbaseMaturity` confirmations.
    public init(coinbaseMaturity: UInt64, minerAddress: Address? = nil) {
        self.init(params: .test(coinbaseMaturity: coinbaseMaturity), minerAddress: minerAddress)
    }

    /// The first block height that may spend the coins of the coinbase at `height`.
    public func maturityHeight(ofCoinbaseAt height: UInt64) -> UInt64 {
        height + params.coinbaseMaturity
    }

    /// Mines empty blocks, paying `miner` (default: an address no test
    /// spends from), until the next block has height `height`.
    public mutating func mine(untilNextHeight height: UInt64,
                              miner: Address = ChainBuilder.testAddress(9_999)) throws(ValidationError) {
        while nextHeight < height { try mine(transfers: [], miner: miner) }
    }
}

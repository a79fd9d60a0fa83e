import ObolCore
import ObolTestSupport
import Testing

/// One test per block sanity rule: each builds a valid next block, breaks
/// exactly that rule, and expects exactly that error, with every other
/// stage accepting the block.
@Suite(.timeLimit(.minutes(1))) struct BlockValidatorTests {
    /// Two mined blocks, so the miner key has coins to send too.
    let chain: ChainBuilder = {
        var chain = ChainBuilder()
        try! chain.mine(count: 2)
        return chain
    }()
    let alice = ChainBuilder.testAddress(1)
    let bob = ChainBuilder.testAddress(2)

    /// `count` transfers from the allocation key with consecutive nonces.
    func transfers(_ count: Int, dataSize: Int = 0) -> [Transfer] {
        let data = [UInt8](repeating: 0x5A, count: dataSize)
        return (0..<count).map { chain.transfer(to: alice, amount: 1, nonce: UInt64($0), data: data) }
    }

    @Test func acceptsBlockWithTransfersFromTwoSenders() {
        let block = chain.makeBlock(transfers: [
            chain.transfer(to: alice, amount: 10),
            chain.transfer(from: ChainBuilder.minerKey, to: bob, amount: 20),
        ])
        expectAccepted(block, in: chain)
    }

    @Test func rejectsBlockOverTheSizeLimit() {
        let perTransfer = Transfer.baseSize + Limits.maxTransferData
        let block = chain.makeBlock(transfers: transfers(chain.params.maxBlockSize / perTransfer + 1,
                                                         dataSize: Limits.maxTransferData))
        #expect(block.size > chain.params.maxBlockSize)
        #expect(block.transactions.count <= chain.params.maxBlockTransactions)
        expectRejection(block, by: .blockTooLarge(size: block.size, limit: chain.params.maxBlockSize),
                        at: .sanity, in: chain)
    }

    @Test func acceptsBlockAtExactlyTheSizeLimit() {
        var params = ChainParams.test
        var probe = ChainBuilder(params: params)
        probe.coinbaseData = []
        let block = probe.makeBlock(transfers: [probe.transfer(to: alice, amount: 1, data: [1, 2, 3])])
        params.maxBlockSize = block.size
        let chain = ChainBuilder(params: params)
        expectAccepted(block, in: chain)
        params.maxBlockSize = block.size - 1
        expectRejection(block, by: .blockTooLarge(size: block.size, limit: block.size - 1), at: .sanity,
                        in: ChainBuilder(params: params))
    }

    @Test func rejectsBlockOverTheTransactionCountLimit() {
        let limit = chain.params.maxBlockTransactions
        let block = chain.makeBlock(transfers: transfers(limit))  // plus the coinbase
        #expect(block.size <= chain.params.maxBlockSize)
        expectRejection(block, by: .tooManyTransactions(count: limit + 1, limit: limit), at: .sanity, in: chain)
    }

    @Test func rejectsHeaderMerkleRootThatDoesNotMatch() {
        var block = chain.makeBlock(transfers: [chain.transfer(to: alice, amount: 10)])
        block.header.merkleRoot = .zero
        block = ChainBuilder.remine(block, recomputeMerkleRoot: false)
        expectRejection(block, by: .merkleRootMismatch, at: .sanity, in: chain)
    }

    @Test func rejectsAnotherSignatureUnderTheRoot() {
        // The transfer id leaves the signature out; the Merkle leaf does not.
        let transfer = chain.transfer(to: alice, amount: 10)
        var block = chain.makeBlock(transfers: [transfer])
        let resigned = transfer.withSignature(ChainBuilder.testKey(9).sign(digest: transfer.signatureDigest))
        #expect(resigned.id == transfer.id && resigned.fullHash != transfer.fullHash)
        block.transactions[1] = .transfer(resigned)
        #expect(throws: ValidationError.merkleRootMismatch) {
            try BlockValidator.checkSanity(block, params: chain.params)
        }
    }

    @Test func rejectsReorderedTransactionsUnderTheOldRoot() {
        // Two independent senders, so the swapped order is still valid to connect.
        var block = chain.makeBlock(transfers: [
            chain.transfer(to: alice, amount: 10),
            chain.transfer(from: ChainBuilder.minerKey, to: bob, amount: 20),
        ])
        block.transactions.swapAt(1, 2)
        block = ChainBuilder.remine(block, recomputeMerkleRoot: false)
        expectRejection(block, by: .merkleRootMismatch, at: .sanity, in: chain)
    }

    /// Connect needs the coinbase first as well, so both stages report it.
    @Test func rejectsBlockWhoseFirstTransactionIsNotTheCoinbase() {
        let transfer = chain.transfer(to: alice, amount: 10)
        let coinbase = chain.coinbase(fees: transfer.fee)
        for transactions: [Transaction] in [[.transfer(transfer), .coinbase(coinbase)], [.transfer(transfer)], []] {
            let block = chain.assemble(transactions)
            expectRejection(block, by: .firstTransactionNotCoinbase,
                            failures: [.sanity: .firstTransactionNotCoinbase, .connect: .firstTransactionNotCoinbase],
                            in: chain)
        }
    }

    @Test func rejectsSecondCoinbase() {
        let transfer = chain.transfer(to: alice, amount: 10)
        let second = chain.coinbase(data: Array("second".utf8))
        for transactions: [Transaction] in [
            [.coinbase(chain.coinbase(fees: transfer.fee)), .transfer(transfer), .coinbase(second)],
            [.coinbase(chain.coinbase()), .coinbase(second)],
        ] {
            expectRejection(chain.assemble(transactions), by: .multipleCoinbases, at: .sanity, in: chain)
        }
    }

    @Test func rejectsDuplicateCoinbase() {
        let coinbase = chain.coinbase()
        let block = chain.assemble([.coinbase(coinbase), .coinbase(coinbase)])
        expectRejection(block, by: .duplicateTransaction(coinbase.id), at: .sanity, in: chain)
    }

    /// A repeated transfer would also fail connect on its nonce; sanity names it first.
    @Test func rejectsDuplicateTransfer() {
        let transfer = chain.transfer(to: alice, amount: 10)
        let block = chain.makeBlock(transfers: [transfer, transfer])
        expectRejection(block, by: .duplicateTransaction(transfer.id),
                        failures: [.sanity: .duplicateTransaction(transfer.id),
                                   .connect: .badNonce(transfer.id, expected: 1, actual: 0)],
                        in: chain)
    }

    @Test(arguments: [-2, -1, 1, 5])
    func rejectsCoinbaseHeightOtherThanTheBlocks(offset: Int) {
        let height = UInt64(Int(chain.nextHeight) + offset)
        let coinbase = chain.coinbase(height: height)
        #expect(coinbase.amount == chain.coinbase().amount)  // same reward: no halving in between
        let block = chain.assemble([.coinbase(coinbase)])
        expectRejection(block, by: .coinbaseHeightMismatch(expected: chain.nextHeight, actual: height),
                        at: .sanity, in: chain)
    }

    @Test func rejectsCoinbaseDataOverTheLimit() {
        let block = chain.makeBlock(coinbaseData: [UInt8](repeating: 7, count: Limits.maxCoinbaseData + 1))
        expectRejection(block, by: .coinbaseDataTooLarge, at: .sanity, in: chain)
        expectAccepted(chain.makeBlock(coinbaseData: [UInt8](repeating: 7, count: Limits.maxCoinbaseData)), in: chain)
    }

    @Test func rejectsCoinbaseForAnotherNetwork() {
        let valid = chain.coinbase()
        let foreign = Coinbase(networkID: ChainParams.devnet.networkID, height: valid.height,
                               recipient: valid.recipient, amount: valid.amount, data: valid.data)
        let block = chain.assemble([.coinbase(foreign)])
        expectRejection(block, by: .wrongNetwork(expected: ChainParams.test.networkID, actual: ChainParams.devnet.networkID),
                        at: .sanity, in: chain)
    }
}

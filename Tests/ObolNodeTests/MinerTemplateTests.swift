import ObolCore
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MinerTemplateTests {
    static let params = ChainParams.test
    static let minerAddress = Address(bytes: [UInt8](repeating: 0x4d, count: Address.size))!
    static let payee = Address(bytes: [UInt8](repeating: 0x22, count: Address.size))!

    static var genesisContext: MiningContext {
        MiningContext(height: 1, previousHash: params.genesisBlock.hash, bits: params.initialBits,
                      minimumTimestamp: params.genesisTimestamp + 1)
    }

    /// Transfers from the genesis allocation, nonces 0..<count, fee 1000 + i.
    static func transfers(_ count: Int, dataSize: Int = 0) -> [Transfer] {
        (0..<count).map { i in
            Transfer.signed(by: ChainParams.devnetAllocationKey, networkID: params.networkID, to: payee,
                            amount: 1_000 * UInt64(i + 1), fee: 1_000 + UInt64(i), nonce: UInt64(i),
                            data: [UInt8](repeating: 0xab, count: dataSize))
        }
    }

    static func solve(_ template: BlockTemplate) throws -> Block {
        let scanner = try #require(HashScanner(header: template.header))
        let nonce = try #require(scanner.scan(from: 0, count: 1 << 16))
        return template.block(nonce: nonce)
    }

    @Test func builtBlockIsValidAndPaysRewardPlusFees() throws {
        let transfers = Self.transfers(3)
        let template = BlockTemplate(context: Self.genesisContext, transfers: transfers, recipient: Self.minerAddress,
                                     params: Self.params, now: Self.params.genesisTimestamp + 10)
        let block = try Self.solve(template)

        try HeaderValidator.checkProofOfWork(block.header)
        try BlockValidator.checkSanity(block, params: Self.params)
        try BlockValidator.verifySignatures(block)
        var state = AccountState(genesis: Self.params)
        _ = try state.connect(block, params: Self.params)

        let fees = transfers.reduce(0) { $0 + $1.fee }
        let coinbase = try #require(block.transactions.first?.coinbase)
        #expect(coinbase.amount == Self.params.reward(at: 1) + fees)
        #expect(template.fees == fees)
        #expect(coinbase.recipient == Self.minerAddress)
        #expect(coinbase.networkID == Self.params.networkID)
        #expect(state[Self.minerAddress].balance == Self.params.reward(at: 1) + fees)
        #expect(block.transactions.dropFirst().compactMap(\.transfer) == transfers)
        #expect(block.header.height == 1)
        #expect(block.header.previousHash == Self.params.genesisBlock.hash)
        #expect(block.header.bits == Self.params.initialBits)
    }

    @Test func emptyTemplatePaysTheRewardAtItsHeight() throws {
        var context = Self.genesisContext
        context.height = Self.params.halvingInterval  // first halving
        let template = BlockTemplate(context: context, transfers: [], recipient: Self.minerAddress,
                                     params: Self.params, now: 0)
        let block = try Self.solve(template)
        try BlockValidator.checkSanity(block, params: Self.params)
        #expect(block.transactions.count == 1)
        #expect(block.transactions[0].coinbase?.amount == Self.params.blockReward / 2)
        #expect(block.transactions[0].coinbase?.height == context.height)
    }

    @Test(arguments: [(100, 1_700_000_100), (1_700_000_100, 1_700_000_100), (1_800_000_000, 1_800_000_000)]
        as [(UInt64, UInt64)])
    func timestampIsNowButNeverBeforeTheMinimum(now: UInt64, expected: UInt64) {
        var context = Self.genesisContext
        context.minimumTimestamp = 1_700_000_100
        let template = BlockTemplate(context: context, transfers: [], recipient: Self.minerAddress,
                                     params: Self.params, now: now)
        #expect(template.header.timestamp == expected)
    }

    @Test func extraNonceChangesTheCoinbaseAndTheMerkleRoot() {
        let build = { (extra: UInt64) in
            BlockTemplate(context: Self.genesisContext, transfers: Self.transfers(1), recipient: Self.minerAddress,
                          params: Self.params, now: 5, extraNonce: extra)
        }
        let a = build(0), b = build(1)
        #expect(a.coinbase.data == Array("obol".utf8) + [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(b.coinbase.data == Array("obol".utf8) + [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(a.coinbase.id != b.coinbase.id)
        #expect(a.header.merkleRoot != b.header.merkleRoot)
        #expect(a.header.merkleRoot == a.block(nonce: 9).computedMerkleRoot)
    }

    @Test func longTagIsCutToFitTheCoinbaseDataLimit() {
        let template = BlockTemplate(context: Self.genesisContext, transfers: [], recipient: Self.minerAddress,
                                     params: Self.params, now: 5, tag: [UInt8](repeating: 0x41, count: 100))
        #expect(template.coinbase.data.count == Limits.maxCoinbaseData)
    }

    @Test func transferThatDoesNotFitEndsOnlyItsSendersRun() throws {
        let a = ChainParams.devnetAllocationKey
        let b = try PrivateKey(bytes: [UInt8](repeating: 0x01, count: 32))
        func transfer(_ key: PrivateKey, nonce: UInt64, dataSize: Int) -> Transfer {
            Transfer.signed(by: key, networkID: Self.params.networkID, to: Self.payee, amount: 5, fee: 2_000,
                            nonce: nonce, data: [UInt8](repeating: 0xab, count: dataSize))
        }
        let a0 = transfer(a, nonce: 0, dataSize: 100), a1 = transfer(a, nonce: 1, dataSize: 100)
        let a2 = transfer(a, nonce: 2, dataSize: 200), a3 = transfer(a, nonce: 3, dataSize: 0)
        let b0 = transfer(b, nonce: 0, dataSize: 0)
        var params = Self.params
        // After a0 and a1 there is room for two small transfers but not for a2.
        let room = a0.size + a1.size + 2 * b0.size + 10
        params.maxBlockSize = BlockHeader.size + 4 + Coinbase.baseSize + 12 + room
        #expect(BlockTemplate.transferBytes(params: params) == room)
        let template = BlockTemplate(context: Self.genesisContext, transfers: [a0, a1, a2, b0, a3],
                                     recipient: Self.minerAddress, params: params, now: 5)
        // a3 would fit, but without a2 it would leave a nonce gap.
        #expect(template.transfers == [a0, a1, b0])
        #expect(template.fees == 6_000)
        let block = try Self.solve(template)
        #expect(block.size <= params.maxBlockSize)
        try BlockValidator.checkSanity(block, params: params)
    }

    @Test func transfersStopAtTheTransactionCountLimit() throws {
        var params = Self.params
        params.maxBlockTransactions = 3
        let template = BlockTemplate(context: Self.genesisContext, transfers: Self.transfers(5),
                                     recipient: Self.minerAddress, params: params, now: 5)
        #expect(template.transfers.count == 2)
        try BlockValidator.checkSanity(try Self.solve(template), params: params)
    }
}

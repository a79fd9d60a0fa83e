import Foundation
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct ChainParamsTests {
    /// Golden values: a change here changes consensus (header or coinbase
    /// encoding, the Merkle root or a preset). Update them only on purpose.
    @Test(arguments: [
        ("test", "960a1b9c41f9c378fa1c69a41abfd6cc71f0dcd1e135101bdf024d61132c8dfd"),
        ("devnet", "2c8b38afc6bdb0e178f24140c6223b5c0164660ef66c8b9a79e1a671dfbfd5db"),
    ])
    func genesisHashIsPinned(name: String, hash: String) throws {
        let params = try #require(ChainParams.preset(named: name))
        #expect(params.genesisBlock.hash.description == hash)
    }

    @Test func allocationKeyHoldsTheGenesisAllocation() {
        let address = ChainParams.devnetAllocationKey.publicKey.address
        #expect(address.description == "obol1te4u9nrf9wya4s40skkh9qe29kaxq82gj4vnn3")
        for params in [ChainParams.devnet, .test] {
            #expect(params.genesisAllocationAddress == address)
            let coinbase = params.genesisBlock.transactions[0].coinbase
            #expect(coinbase?.recipient == address)
            #expect(coinbase?.amount == params.genesisAllocationAmount)
            #expect(AccountState(genesis: params)[address].balance == params.genesisAllocationAmount)
        }
    }

    @Test func genesisBlockIsWellFormed() throws {
        for params in [ChainParams.devnet, .test] {
            let genesis = params.genesisBlock
            #expect(genesis.height == 0)
            #expect(genesis.header.previousHash == .zero)
            #expect(genesis.header.merkleRoot == genesis.computedMerkleRoot)
            #expect(genesis.header.timestamp == params.genesisTimestamp)
            #expect(genesis.header.bits == params.initialBits)
            #expect(try Block(decoding: genesis.encoded) == genesis)
        }
    }

    @Test func presetsAreFoundByNameAndDiffer() {
        #expect(ChainParams.preset(named: "devnet") == .devnet)
        #expect(ChainParams.preset(named: "test") == .test)
        #expect(ChainParams.preset(named: "mainnet") == nil)
        #expect(ChainParams.devnet.networkID != ChainParams.test.networkID)
        #expect(ChainParams.devnet.magic != ChainParams.test.magic)
        #expect(ChainParams.test.initialBits.target == ChainParams.test.maxTarget)
        #expect(ChainParams.devnet.initialBits.target! <= ChainParams.devnet.maxTarget)
    }

    @Test func chainSpecRoundTripsThroughJSON() throws {
        for params in [ChainParams.devnet, .test] {
            let json = try JSONEncoder().encode(params)
            #expect(try ChainParams.load(json: json) == params)
        }
        #expect(throws: (any Error).self) { try ChainParams.load(json: Data("{}".utf8)) }
    }

    @Test func rewardHalvesEveryIntervalAndEndsAfterSixtyFourHalvings() {
        var params = ChainParams.test
        let interval = params.halvingInterval
        #expect(params.reward(at: 0) == params.blockReward)
        #expect(params.reward(at: interval - 1) == params.blockReward)
        #expect(params.reward(at: interval) == params.blockReward / 2)
        #expect(params.reward(at: 3 * interval) == params.blockReward / 8)
        #expect(params.reward(at: 63 * interval) == params.blockReward >> 63)
        #expect(params.reward(at: 64 * interval) == 0)
        #expect(params.reward(at: .max) == 0)
        params.halvingInterval = 0
        #expect(params.reward(at: .max) == params.blockReward)
    }
}

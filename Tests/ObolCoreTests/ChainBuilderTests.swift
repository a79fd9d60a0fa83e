import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct ChainBuilderTests {
    let coin = ChainParams.coin

    @Test func genesisStateHoldsTheAllocation() {
        let chain = ChainBuilder()
        #expect(chain.height == 0)
        #expect(chain.tip == ChainParams.test.genesisBlock)
        #expect(chain.state[ChainBuilder.allocationKey.publicKey.address].balance == ChainParams.test.genesisAllocationAmount)
        #expect(chain.state.accounts.count == 1)
    }

    @Test func validChainOfTwentyBlocksWithTransfersValidatesFully() throws {
        var chain = ChainBuilder()
        let keys = (1...5).map(ChainBuilder.testKey)
        for height in 1...20 {
            // Fund a new account, and let already funded ones pay each other.
            if height <= keys.count {
                chain.addTransfer(to: keys[height - 1].publicKey.address, amount: 1_000 * coin, data: [UInt8(height)])
            }
            for (i, key) in keys.enumerated() where i + 1 < height && i + 1 <= keys.count {
                let recipient = keys[(i + 1) % keys.count].publicKey.address
                chain.addTransfer(from: key, to: recipient, amount: UInt64(height) * 1_000, fee: 2_000)
            }
            try chain.mine()
        }
        #expect(chain.height == 20)
        #expect(chain.blocks.reduce(0) { $0 + $1.transactions.count } > 60)

        // A second, independent builder accepts every block, validating each fully.
        var replay = ChainBuilder()
        for block in chain.blocks.dropFirst() {
            #expect(replay.stageFailures(of: block).isEmpty)
            try replay.append(block)
        }
        #expect(replay.state == chain.state)

        // Money is conserved: allocation plus rewards.
        let total = chain.state.accounts.values.reduce(UInt64(0)) { $0 + $1.balance }
        #expect(total == ChainParams.test.genesisAllocationAmount + 20 * ChainParams.test.blockReward)
    }

    @Test func minedBlocksMeetTheirTargetAndLinkToTheirParent() throws {
        var chain = ChainBuilder()
        try chain.mine(count: 5)
        for height in 1...5 {
            let block = chain.block(at: UInt64(height))
            #expect(block.header.meetsOwnTarget)
            #expect(block.header.previousHash == chain.block(at: UInt64(height - 1)).hash)
            #expect(block.header.merkleRoot == block.computedMerkleRoot)
            #expect(block.height == UInt64(height))
        }
    }

    @Test func fastBlocksRaiseDifficultyAndTheBuilderFollows() throws {
        var chain = ChainBuilder()
        for _ in 1...9 { try chain.mine(timestamp: chain.tip.header.timestamp + 1) }
        let before = try #require(chain.tip.header.bits.target)
        try chain.mine(timestamp: chain.tip.header.timestamp + 1)  // height 10 retargets
        let after = try #require(chain.tip.header.bits.target)
        #expect(after < before)
        try chain.mine(count: 12)  // through the next retarget at 20
        #expect(chain.height == 22)
    }

    @Test func forkRollsBackStateAndBuildsACompetingBranch() throws {
        var chain = ChainBuilder()
        let alice = ChainBuilder.testAddress(1)
        try chain.mine(count: 3)
        let stateAtThree = chain.state
        chain.addTransfer(to: alice, amount: 5 * coin)
        try chain.mine(count: 3)
        #expect(chain.state[alice].balance == 5 * coin)

        var fork = chain.forked(at: 3, coinbaseData: Array("fork".utf8))
        #expect(fork.height == 3)
        #expect(fork.tip == chain.block(at: 3))
        #expect(fork.state == stateAtThree)
        try fork.mine(count: 4)
        #expect(fork.height == 7)
        #expect(fork.block(at: 4).hash != chain.block(at: 4).hash)
        #expect(fork.block(at: 4).header.previousHash == chain.block(at: 3).hash)
        #expect(fork.state[alice].balance == 0)
        // The original chain is untouched by the fork.
        #expect(chain.height == 6)
        #expect(chain.state[alice].balance == 5 * coin)
    }

    @Test func pendingTransfersTakeConsecutiveNonces() throws {
        var chain = ChainBuilder()
        let sender = ChainBuilder.allocationKey.publicKey.address
        let first = chain.addTransfer(to: ChainBuilder.testAddress(1), amount: 1)
        let second = chain.addTransfer(to: ChainBuilder.testAddress(2), amount: 1)
        #expect(first.nonce == 0)
        #expect(second.nonce == 1)
        #expect(chain.nextNonce(for: sender) == 2)
        try chain.mine()
        #expect(chain.pendingTransfers.isEmpty)
        #expect(chain.state[sender].nonce == 2)
        #expect(chain.nextNonce(for: sender) == 2)
    }

    @Test func remineKeepsAChangedBlockValidAtProofOfWork() {
        let chain = ChainBuilder()
        var block = chain.makeBlock()
        block.header.timestamp += 1
        let remined = ChainBuilder.remine(block)
        #expect(remined.header.meetsOwnTarget)
        #expect(chain.stageFailures(of: remined).isEmpty)

        let unmined = ChainBuilder.unmine(remined.header)
        #expect(!unmined.meetsOwnTarget)
    }

    @Test func validateDoesNotChangeTheChain() throws {
        let chain = ChainBuilder()
        let block = chain.makeBlock(transfers: [chain.transfer(to: ChainBuilder.testAddress(1), amount: 1)])
        let undo = try chain.validate(block, chain.context(for: block))
        #expect(undo.previous.count == 3)  // sender, recipient, miner
        #expect(chain.height == 0)
        #expect(chain.state == AccountState(genesis: .test))
    }
}

extension ChainBuilderTests {
    @Test func nextBlockComesWithTheContextItMustMeet() throws {
        var chain = ChainBuilder()
        try chain.mine(count: 3)
        let (block, context) = chain.nextBlock(timestamp: chain.nextTimestamp + 7, now: chain.nextTimestamp + 100)
        #expect(context == HeaderContext(expectedHeight: 4, expectedBits: chain.nextBits,
                                         medianTimePast: chain.medianTimePast, now: chain.nextTimestamp + 100))
        #expect(block.header.timestamp == chain.nextTimestamp + 7)
        let undo = try chain.validate(block, context)
        #expect(undo.previous.count == 1)  // only the miner
    }

    @Test func competingForksFromACommonAncestorBothValidate() throws {
        var main = ChainBuilder()
        try main.mine(count: 4)
        var left = main.forked(at: 2, coinbaseData: Array("left".utf8))
        var right = main.forked(at: 2, coinbaseData: Array("right".utf8))
        try left.mine(count: 3)
        try right.mine(count: 5)
        let heads = [main.block(at: 3).hash, left.block(at: 3).hash, right.block(at: 3).hash]
        #expect(Set(heads).count == 3)
        for fork in [left, right] { #expect(fork.block(at: 3).header.previousHash == main.block(at: 2).hash) }
        #expect(right.height > main.height)
    }
}

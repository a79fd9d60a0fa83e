import ObolCore
import ObolTestSupport
import Testing

/// Connecting a block and then disconnecting it with its undo data gives
/// back exactly the state before, accounts it created included.
@Suite(.timeLimit(.minutes(1))) struct BlockUndoTests {
    let coin = ChainParams.coin

    /// A chain of eight blocks, each creating accounts (recipients and a new
    /// miner) and moving coins between accounts created earlier; with the
    /// state after every block.
    static func busyChain() throws -> (ChainBuilder, [AccountState]) {
        var chain = ChainBuilder()
        var states = [chain.state]
        let keys = (1...8).map(ChainBuilder.testKey)
        for height in 1...8 {
            let newcomer = keys[height - 1]
            chain.addTransfer(to: newcomer.publicKey.address, amount: UInt64(height) * 1_000_000)
            if height >= 2 {
                let older = keys[height - 2]
                chain.addTransfer(from: older, to: ChainBuilder.testAddress(100 + height), amount: 1_000, fee: 1_500)
            }
            if height >= 3 {
                chain.addTransfer(from: keys[0], to: keys[0].publicKey.address, amount: 1, fee: 1_000)  // to self
            }
            try chain.mine(miner: ChainBuilder.testAddress(200 + height))
            states.append(chain.state)
        }
        return (chain, states)
    }

    @Test func undoingEveryBlockInReverseRestoresEachEarlierState() throws {
        let (chain, states) = try Self.busyChain()
        var state = chain.state
        #expect(state.accounts.count > 20)
        for height in stride(from: Int(chain.height), through: 1, by: -1) {
            state.disconnect(chain.undos[height - 1])
            #expect(state == states[height - 1], "after undoing block \(height)")
        }
        #expect(state == AccountState(genesis: chain.params))
        #expect(state.accounts.count == 1)
    }

    @Test func disconnectTipRestoresStateAndLetsTheChainGrowAgain() throws {
        var (chain, states) = try Self.busyChain()
        while chain.height > 0 {
            chain.disconnectTip()
            #expect(chain.state == states[Int(chain.height)])
        }
        try chain.mine(count: 2)
        #expect(chain.height == 2)
    }

    @Test func reconnectingAfterUndoGivesTheSameStateAndUndo() throws {
        let (chain, states) = try Self.busyChain()
        var state = states[4]
        let block = chain.block(at: 5)
        let undo = try state.connect(block, params: chain.params)
        #expect(state == states[5])
        #expect(undo == chain.undos[4])
        state.disconnect(undo)
        #expect(state == states[4])
    }

    @Test func undoRecordsPriorAccountsAndAbsentOnes() throws {
        let chain = ChainBuilder()
        let recipient = ChainBuilder.testAddress(1)
        let block = chain.makeBlock(transfers: [chain.transfer(to: recipient, amount: 5)])
        var state = chain.state
        let undo = try state.connect(block, params: chain.params)
        let allocation = ChainBuilder.allocationKey.publicKey.address
        let expected: [Address: Account?] = [
            allocation: chain.state[allocation],
            recipient: Account?.none,
            chain.minerAddress: Account?.none,
        ]
        #expect(undo.previous == expected)
    }

    @Test func undoRoundTripsThroughItsEncodingAndStillRestores() throws {
        let (chain, states) = try Self.busyChain()
        var state = chain.state
        for height in stride(from: Int(chain.height), through: 1, by: -1) {
            let undo = chain.undos[height - 1]
            let decoded = try BlockUndo(decoding: undo.encoded)
            #expect(decoded == undo)
            state.disconnect(decoded)
            #expect(state == states[height - 1])
        }
    }

    @Test func forkAndReconnectReachTheSameState() throws {
        let (chain, _) = try Self.busyChain()
        var fork = chain.forked(at: 3)
        for height in 4...8 { try fork.append(chain.block(at: UInt64(height))) }
        #expect(fork.state == chain.state)
        #expect(fork.blocks == chain.blocks)
    }
}

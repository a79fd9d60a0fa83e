import ObolCore
import ObolTestSupport
import Testing

/// Maturity locks are part of an account's value: disconnecting a block, or
/// its undo data's encoding, restores them exactly.
@Suite(.timeLimit(.minutes(1))) struct MaturityUndoTests {
    /// Ten blocks with maturity 2: three miners take turns, and from block 4
    /// on each block spends a matured coinbase of the miner three blocks back.
    static func chainWithLocks() throws -> (ChainBuilder, [AccountState]) {
        var chain = ChainBuilder(coinbaseMaturity: 2)
        var states = [chain.state]
        let miners = (0..<3).map { ChainBuilder.testKey(10 + $0) }
        for height in 1...10 {
            if height >= 4 {
                chain.addTransfer(from: miners[height % 3], to: ChainBuilder.testAddress(50 + height), amount: 1_000)
            }
            try chain.mine(miner: miners[height % 3].publicKey.address)
            states.append(chain.state)
        }
        return (chain, states)
    }

    @Test func disconnectingEveryBlockRestoresLocksExactly() throws {
        let (chain, states) = try Self.chainWithLocks()
        #expect(chain.state.accounts.values.contains { !$0.locks.isEmpty })
        var state = chain.state
        for height in stride(from: 10, through: 1, by: -1) {
            state.disconnect(chain.undos[height - 1])
            #expect(state == states[height - 1], "after undoing block \(height)")
        }
        #expect(state == AccountState(genesis: chain.params))
    }

    @Test func connectThenDisconnectGivesTheOriginalState() throws {
        let (chain, states) = try Self.chainWithLocks()
        for height in 1...10 {
            var state = states[height - 1]
            let undo = try state.connect(chain.block(at: UInt64(height)), params: chain.params)
            #expect(state == states[height])
            state.disconnect(undo)
            #expect(state == states[height - 1])
        }
    }

    @Test func undoWithLocksRoundTripsThroughItsEncoding() throws {
        let (chain, states) = try Self.chainWithLocks()
        #expect(chain.undos.contains { $0.previous.values.contains { $0?.locks.isEmpty == false } })
        var state = chain.state
        for height in stride(from: 10, through: 1, by: -1) {
            let undo = chain.undos[height - 1]
            let decoded = try BlockUndo(decoding: undo.encoded)
            #expect(decoded == undo)
            #expect(undo.encoded.count == undo.encodingCapacity)
            state.disconnect(decoded)
            #expect(state == states[height - 1])
        }
    }

    @Test func aReorgAcrossMaturityReachesTheSameState() throws {
        let (chain, _) = try Self.chainWithLocks()
        var fork = chain.forked(at: 3)
        for height in 4...10 { try fork.append(chain.block(at: UInt64(height))) }
        #expect(fork.state == chain.state)
    }

    @Test func moreLocksThanAnyNetworkAllowsDoNotDecode() {
        var writer = ByteWriter()
        writer.write(UInt32(1))
        writer.write(ChainBuilder.testAddress(1))
        writer.write(UInt8(1)); writer.write(UInt64(5)); writer.write(UInt64(0))
        writer.write(UInt32(Account.maxLocks + 1))
        #expect(throws: DecodeError.countTooLarge(field: "account.locks", count: Account.maxLocks + 1,
                                                  limit: Account.maxLocks)) {
            try BlockUndo(decoding: writer.bytes)
        }
    }

    /// An account holds at most `coinbaseMaturity` locks, so undo data must
    /// decode as many as the largest maturity a chain spec may set.
    @Test func theLockLimitCoversTheLargestValidMaturity() throws {
        var params = ChainParams.test
        params.coinbaseMaturity = UInt64(Account.maxLocks)
        #expect(throws: Never.self) { try params.validate() }
        params.coinbaseMaturity += 1
        #expect(throws: ChainSpecError.self) { try params.validate() }
        let locks = (0..<Account.maxLocks).map { MaturityLock(height: UInt64($0), amount: 1) }
        let undo = BlockUndo(previous: [ChainBuilder.testAddress(1): Account(balance: 10_000, nonce: 0, locks: locks)])
        #expect(try BlockUndo(decoding: undo.encoded) == undo)
    }
}


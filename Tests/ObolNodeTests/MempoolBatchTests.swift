import ObolCore
import ObolNode
import Testing

/// `MempoolActor.submit(contentsOf:)`: a batch is checked on several cores
/// and admitted in one call, with the same verdicts as one submit at a time.
@Suite struct MempoolBatchTests {
    typealias F = MempoolFixture
    let key = ChainParams.devnetAllocationKey
    let other = PrivateKey.generate()
    let fee = MempoolFixture.minimumFee

    func makeMempool() -> MempoolActor {
        let accounts = MempoolTestAccounts([
            F.params.genesisAllocationAddress: Account(balance: F.params.genesisAllocationAmount, nonce: 0),
        ])
        return MempoolActor(params: F.params, accounts: accounts, clock: MempoolTestClock(F.start))
    }

    @Test func givesEachTransferItsVerdictInOrder() async {
        let mempool = makeMempool()
        let first = F.transfer(key, nonce: 0)
        let forged = F.transfer(key, nonce: 1).withSignature(first.signature)
        let otherNetwork = Transfer.signed(by: key, networkID: F.params.networkID &+ 1, to: F.recipient, amount: 1_000,
                                           fee: fee, nonce: 1)
        let broke = F.transfer(other, nonce: 0)
        let gap = F.transfer(key, nonce: 7)
        let results = await mempool.submit(contentsOf: [first, forged, otherNetwork, first, broke, gap], workers: 2)
        #expect(results.count == 6)
        #expect(results[0] == .success(first.id))
        #expect(results[1] == .failure(.invalid(.invalidSignature(forged.id))))
        guard case .failure(.invalid) = results[2] else {
            Issue.record("a transfer for another network was not refused as invalid: \(results[2])")
            return
        }
        #expect(results[3] == .failure(.duplicate))
        #expect(results[4] == .failure(.insufficientBalance(balance: 0, needed: 1_000 + fee)))
        #expect(results[5] == .failure(.nonceGap(expected: 1, actual: 7)))
        #expect(await mempool.all() == [first])
    }

    @Test func admitsANonceChainInOneBatch() async {
        let mempool = makeMempool()
        let chain = (0..<40).map { F.transfer(key, nonce: UInt64($0)) }
        let results = await mempool.submit(contentsOf: chain, workers: 4)
        #expect(results == chain.map { .success($0.id) })
        #expect(await mempool.count == 40)
        #expect(await mempool.pendingNonce(for: key.publicKey.address) == 40)
    }

    @Test func findsEveryBadSignatureInALargeBatch() async {
        let mempool = makeMempool()
        var batch = (0..<100).map { F.transfer(key, nonce: UInt64($0)) }
        // One carries its neighbour's signature: it fails, and the rest of the chain after it has a gap.
        batch[50] = batch[50].withSignature(batch[49].signature)
        let results = await mempool.submit(contentsOf: batch, workers: 3)
        #expect(results[..<50].allSatisfy { if case .success = $0 { true } else { false } })
        #expect(results[50] == .failure(.invalid(.invalidSignature(batch[50].id))))
        #expect(results[51] == .failure(.nonceGap(expected: 50, actual: 51)))
        #expect(await mempool.count == 50)
    }
}

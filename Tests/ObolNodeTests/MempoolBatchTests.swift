import ObolCore
import ObolTestSupport
@testable import ObolNode
import Testing

/// `MempoolActor.submit(contentsOf:)`: a batch is checked on several cores
/// and admitted in one call, with the same verdicts as one submit at a time.
@Suite(.timeLimit(.minutes(1))) struct MempoolBatchTests {
    typealias F = MempoolFixture
    let key = ChainParams.devnetAllocationKey
    let other = PrivateKey.generate()
    let fee = MempoolFixture.minimumFee

    func makeMempool() -> MempoolActor {
        let accounts = TestAccounts([
            F.params.genesisAllocationAddress: Account(balance: F.params.genesisAllocationAmount, nonce: 0),
        ])
        // Nonce chains of up to 60 from one sender: above the default cap of 25.
        return MempoolActor(params: F.params, accounts: accounts, config: MempoolConfig(maxPerSender: 100),
                            clock: ManualClock(F.start))
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

/// `AdmissionQueue`: the group admission behind concurrent single submits.
@Suite(.timeLimit(.minutes(1))) struct AdmissionQueueTests {
    typealias F = MempoolFixture
    let key = ChainParams.devnetAllocationKey

    @Test func theFirstArrivalDrainsAndLaterOnesWaitForIt() async {
        let queue = AdmissionQueue()
        let transfers = (0..<3).map { F.transfer(key, nonce: UInt64($0)) }
        let first = queue.arrive(transfers[0])
        let second = queue.arrive(transfers[1])
        #expect(first.drain && !second.drain, "one drainer at a time")
        let batch = queue.take()
        #expect(batch?.map(\.transfer) == [transfers[0], transfers[1]], "everything waiting, in arrival order")
        let third = queue.arrive(transfers[2])
        #expect(!third.drain, "the drain is still running: it takes this one too")
        #expect(queue.take()?.map(\.transfer) == [transfers[2]])
        #expect(queue.take() == nil, "nothing waits: the drain ends")
        let next = queue.arrive(transfers[0])
        #expect(next.drain, "the next arrival starts a new drain")
    }

    @Test func anAttachedLoopIsWokenAndNoArrivalDrains() async throws {
        let queue = AdmissionQueue()
        let wakeups = try #require(queue.attachLoop())
        #expect(queue.attachLoop() == nil, "one loop at a time")
        let transfers = (0..<2).map { F.transfer(key, nonce: UInt64($0)) }
        #expect(!queue.arrive(transfers[0]).drain)
        #expect(!queue.arrive([(transfers[1], .peer(3))]).drain)
        var iterator = wakeups.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        #expect(queue.take()?.map(\.origin) == [.local, .peer(3)])
        // Detaching with transfers waiting hands them to the loop's last drain.
        _ = queue.arrive(transfers[0])
        #expect(queue.detachLoop())
        #expect(await iterator.next() != nil)  // the wake-up buffered before the detach
        #expect(await iterator.next() == nil)
        #expect(queue.take()?.count == 1)
        #expect(queue.take() == nil)
        #expect(queue.arrive(transfers[1]).drain, "with no loop, the caller drains")
    }

    @Test func eachCallerGetsItsOwnVerdictWhetherItWaitsFirstOrNot() async {
        let queue = AdmissionQueue()
        let (early, _) = queue.arrive(F.transfer(key, nonce: 0))
        let (late, _) = queue.arrive(F.transfer(key, nonce: 1))
        let id = F.transfer(key, nonce: 0).id
        early.deliver(.success(id))  // delivered before anyone waits
        async let waited = late.verdict  // waits before it is delivered
        try? await Task.sleep(for: .milliseconds(20))
        late.deliver(.failure(.duplicate))
        #expect(await early.verdict == .success(id))
        #expect(await waited == .failure(.duplicate))
    }

    @Test func concurrentSubmitsAllGetTheirVerdicts() async {
        let senders = (0..<64).map { _ in PrivateKey.generate() }
        let accounts = TestAccounts(Dictionary(uniqueKeysWithValues: senders.map { ($0.publicKey.address, F.rich) }))
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: ManualClock(F.start))
        let transfers = senders.map { F.transfer($0, nonce: 0) }
        let forged = F.transfer(senders[0], nonce: 1).withSignature(transfers[1].signature)
        // Each transfer twice (the second copy is a duplicate), and one forgery, all at once.
        let submissions = transfers + transfers + [forged]
        let verdicts = await withTaskGroup(of: (Int, Result<Hash256, MempoolRejection>).self) { group in
            for (i, transfer) in submissions.enumerated() {
                group.addTask { (i, await mempool.submit(transfer)) }
            }
            var verdicts = [Int: Result<Hash256, MempoolRejection>]()
            for await (i, verdict) in group { verdicts[i] = verdict }
            return verdicts
        }
        for (i, transfer) in transfers.enumerated() {
            // Whichever copy arrived first is admitted; the other is a duplicate.
            let pair = [verdicts[i], verdicts[i + transfers.count]]
            #expect(pair.contains(.success(transfer.id)) && pair.contains(.failure(.duplicate)))
        }
        #expect(verdicts[submissions.count - 1] == .failure(.invalid(.invalidSignature(forged.id))))
        #expect(await mempool.count == transfers.count)
    }
}

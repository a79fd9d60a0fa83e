import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Who admits: the mempool's `run` loop while it runs, the submitter otherwise.
@Suite(.timeLimit(.minutes(1)))
struct MempoolAdmissionLoopTests {
    typealias F = MempoolFixture
    let key = PrivateKey.generate()

    func makeMempool(_ config: MempoolConfig = .init()) -> MempoolActor {
        MempoolActor(params: F.params, accounts: TestAccounts([key.publicKey.address: F.rich]), config: config,
                     clock: ManualClock(seconds: F.start))
    }

    @Test func whileRunRunsItsLoopAdmitsEverySubmission() async {
        let mempool = makeMempool()
        let (events, chain) = AsyncStream<ChainEvent>.makeStream(bufferingPolicy: .unbounded)
        let (handled, handledSink) = AsyncStream<Void>.makeStream()
        let transfers = (0..<5).map { F.transfer(key, nonce: UInt64($0)) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await mempool.run(events: events) { _ in handledSink.yield() } }
            // Once `run` has handled an event, its loop is attached.
            chain.yield(.tipChanged(F.tip(F.block(height: 0, []))))
            var iterator = handled.makeAsyncIterator()
            _ = await iterator.next()
            #expect(await mempool.submit(transfers[0]) == .success(transfers[0].id))
            let verdicts = await mempool.submit(contentsOf: Array(transfers.dropFirst()))
            #expect(verdicts == transfers.dropFirst().map { .success($0.id) })
            #expect(await mempool.loopAdmissionBatches == 2)
            chain.finish()
        }
        #expect(await mempool.count == 5)
    }

    @Test func withoutARunLoopTheSubmitterAdmitsInline() async {
        let mempool = makeMempool()
        let transfer = F.transfer(key, nonce: 0)
        #expect(await mempool.submit(transfer) == .success(transfer.id))
        #expect(await mempool.loopAdmissionBatches == 0)
    }

    @Test func submissionsAfterRunReturnedAreAdmittedInline() async {
        let mempool = makeMempool()
        let (events, chain) = AsyncStream<ChainEvent>.makeStream(bufferingPolicy: .unbounded)
        chain.finish()
        await mempool.run(events: events)
        let transfer = F.transfer(key, nonce: 0)
        #expect(await mempool.submit(transfer) == .success(transfer.id))
        #expect(await mempool.loopAdmissionBatches == 0)
    }

    @Test func acceptedEventsCarryTheSubmittersOrigin() async {
        let mempool = makeMempool()
        var events = EventRecorder(mempool.subscribe(bufferingPolicy: .unbounded))
        let fromPeer = F.transfer(key, nonce: 0)
        let local = F.transfer(key, nonce: 1)
        #expect(await mempool.submit(fromPeer, origin: .peer(7)) == .success(fromPeer.id))
        #expect(await mempool.submit(contentsOf: [local]) == [.success(local.id)])
        let origins = await [events.next(), events.next()].map { event -> Origin? in
            if case let .accepted(_, origin)? = event { origin } else { nil }
        }
        #expect(origins == [.peer(7), .local])
    }
}

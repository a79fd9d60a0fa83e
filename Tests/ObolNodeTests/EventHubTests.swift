import ObolTestSupport
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1)))
struct EventHubTests {
    @Test func boundedSubscriberCountsItsDropsWhileAnUnboundedOneLosesNothing() async {
        let hub = EventHub<Int>()
        let all = hub.subscribe(bufferingPolicy: .unbounded)
        let (newest, drops) = hub.subscribeCountingDrops(bufferingPolicy: .bufferingNewest(2))
        for i in 0..<5 { hub.publish(i) }
        hub.finish()
        #expect(drops.total == 3)
        #expect(hub.droppedCount == 0)  // finished: no subscriber left
        var everything = EventRecorder(all)
        var kept = EventRecorder(newest)
        #expect(await everything.rest() == [0, 1, 2, 3, 4])
        #expect(await kept.rest() == [3, 4])
    }

    @Test func aGapIsReportedOnceToItsReader() {
        let hub = EventHub<Int>()
        let (stream, drops) = hub.subscribeCountingDrops(bufferingPolicy: .bufferingNewest(1))
        hub.publish(1)
        #expect(drops.take() == 0)
        hub.publish(2)
        hub.publish(3)
        #expect(hub.droppedCount == 2)
        #expect(drops.take() == 2)
        #expect(drops.take() == 0)
        #expect(drops.total == 2)
        _ = stream
    }

    @Test func filteredSubscriptionSkipsEventsBeforeTheyReachTheBuffer() async {
        let hub = EventHub<Int>()
        let evens = hub.subscribe(bufferingPolicy: .bufferingNewest(1)) { $0 % 2 == 0 ? "even \($0)" : nil }
        let (filtered, drops) = hub.subscribeCountingDrops(bufferingPolicy: .bufferingNewest(1)) { $0 > 1 }
        hub.publish(2)
        hub.publish(3)  // odd: does not push 2 out of the one-element buffer
        hub.finish()
        var recorder = EventRecorder(evens)
        #expect(await recorder.rest() == ["even 2"])
        var others = EventRecorder(filtered)
        #expect(await others.rest() == [3])
        #expect(drops.total == 1)
    }

    @Test func finishEndsEveryStreamAndLaterSubscriptions() async {
        let hub = EventHub<Int>()
        let early = hub.subscribe(bufferingPolicy: .unbounded)
        hub.publish(7)
        hub.finish()
        let late = hub.subscribe(bufferingPolicy: .unbounded)
        var a = EventRecorder(early)
        var b = EventRecorder(late)
        #expect(await a.rest() == [7])
        #expect(await b.rest().isEmpty)
        #expect(hub.subscriberCount == 0)
    }
}

import ObolCore
@testable import ObolNode
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1)))
struct PeerOutboxTests {
    static let ping = Message.ping(nonce: 1)
    static var pingSize: Int { PeerOutbox.frameSize(ping) }

    @Test func refusesPastTheBudgetUntilWritten() async {
        let outbox = PeerOutbox(budget: Self.pingSize * 3, now: .zero)
        #expect(outbox.enqueue([Self.ping, Self.ping, Self.ping], now: .zero))
        #expect(!outbox.enqueue([Self.ping], now: .zero))
        let batch = await outbox.next()
        #expect(batch?.count == 3)
        // Handed to the writer but not yet written: still counted.
        #expect(!outbox.enqueue([Self.ping], now: .zero))
        outbox.written(batch!, now: .seconds(1))
        #expect(outbox.enqueue([Self.ping], now: .seconds(1)))
        #expect(outbox.bytesSent == UInt64(3 * Self.pingSize))
    }

    @Test func aLargeReplyIsForcedOnlyIntoAnEmptyQueue() {
        let outbox = PeerOutbox(budget: 10, now: .zero)
        #expect(!outbox.enqueue([Self.ping], now: .zero))
        #expect(outbox.enqueue([Self.ping], now: .zero, force: true))
        #expect(!outbox.enqueue([Self.ping], now: .zero, force: true))
    }

    @Test func aQueueThatDoesNotMoveIsStalled() async {
        let outbox = PeerOutbox(budget: 1_000, now: .zero)
        #expect(!outbox.isStalled(now: .seconds(100), timeout: .seconds(30)))  // empty: never stalled
        outbox.enqueue([Self.ping], now: .seconds(100))
        #expect(!outbox.isStalled(now: .seconds(120), timeout: .seconds(30)))
        #expect(outbox.isStalled(now: .seconds(131), timeout: .seconds(30)))
        let batch = await outbox.next()!
        outbox.written(batch, now: .seconds(131))
        #expect(!outbox.isStalled(now: .seconds(200), timeout: .seconds(30)))
    }

    @Test func closingEndsTheWriterAndRefusesMore() async {
        let outbox = PeerOutbox(budget: 1_000, now: .zero)
        async let batch = outbox.next()
        outbox.close()
        #expect(await batch == nil)
        #expect(!outbox.enqueue([Self.ping], now: .zero))
    }
}

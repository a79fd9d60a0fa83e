@testable import ObolTracker
import ObolCore
import ObolWire
import Testing

/// The tracker dials a registered address back; these tests show it cannot be made to dial one host at will.
@Suite(.timeLimit(.minutes(1)))
struct DialBackBudgetTests {
    @Test func eachHostGetsABurstThenOneDialPerRefill() {
        var budget = DialBackBudget(burst: 3, refillSeconds: 20, maxInFlight: 100)
        for _ in 0..<3 {
            #expect(budget.start(dialing: "198.51.100.7", now: 1_000) == nil)
            budget.finished()
        }
        #expect(budget.start(dialing: "198.51.100.7", now: 1_000) == .hostRateLimited)
        #expect(budget.start(dialing: "198.51.100.7", now: 1_019) == .hostRateLimited)
        // Another host has its own bucket.
        #expect(budget.start(dialing: "198.51.100.8", now: 1_019) == nil)
        budget.finished()
        #expect(budget.start(dialing: "198.51.100.7", now: 1_020) == nil)
        budget.finished()
        #expect(budget.start(dialing: "198.51.100.7", now: 1_020) == .hostRateLimited)
    }

    @Test func dialsInFlightAndTrackedHostsAreBounded() {
        var budget = DialBackBudget(burst: 1, refillSeconds: 20, maxInFlight: 2, maxHosts: 3)
        #expect(budget.start(dialing: "a", now: 0) == nil)
        #expect(budget.start(dialing: "b", now: 0) == nil)
        #expect(budget.start(dialing: "c", now: 0) == .busy, "two dials already run")
        budget.finished()
        budget.finished()
        #expect(budget.start(dialing: "c", now: 0) == nil)
        budget.finished()
        // Three hosts with empty buckets: a fourth waits until one has refilled, and is then tracked instead.
        #expect(budget.start(dialing: "d", now: 10) == .busy)
        #expect(budget.start(dialing: "d", now: 20) == nil)
    }

    /// Twenty freshly made keys register the same victim address: the tracker dials it three times, then
    /// refuses with `rate-limited` until the bucket refills.
    @Test func manyKeysCannotMakeTheTrackerDialOneHostAtWill() async throws {
        let clock = TrackerRegistryTests.Clock()
        let dials = DialCounter()
        let service = TrackerService(network: TrackerRegistryTests.network, key: TrackerRegistryTests.tracker,
                                     verifier: dials, now: { clock.now })
        var codes: [TrackerError.Code?] = []
        for _ in 0..<20 {
            let request = try TrackerRegistryTests.request(.register, NoiseKeyPair(), address: "127.0.0.9:9333", at: clock.now)
            do {
                try await service.handle(.register, request)
                codes.append(nil)
            } catch {
                codes.append(error.code)
            }
        }
        #expect(await dials.count == 3)
        #expect(codes == Array(repeating: .unverifiedAddress, count: 3) + Array(repeating: .rateLimited, count: 17))
        clock.advance(20)
        let later = try TrackerRegistryTests.request(.register, NoiseKeyPair(), address: "127.0.0.9:9333", at: clock.now)
        await #expect(throws: TrackerError.self) { try await service.handle(.register, later) }
        #expect(await dials.count == 4)
    }

    /// Counts dial-backs; nothing answers.
    actor DialCounter: TrackerAddressVerifier {
        var count = 0
        func verify(_ endpoint: PeerEndpoint, nodeID: [UInt8]) async -> Bool {
            count += 1
            return false
        }
    }
}

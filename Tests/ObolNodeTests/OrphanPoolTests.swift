import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// The bounded pools of bodies held in memory unvalidated.
@Suite(.timeLimit(.minutes(1)))
struct OrphanPoolTests {
    static let chain: ChainBuilder = {
        var builder = ChainBuilder()
        try! builder.mine(count: 6)
        return builder
    }()

    static func block(_ height: UInt64) -> (Block, Hash256) {
        let block = chain.block(at: height)
        return (block, block.hash)
    }

    @Test func aFullSyncPoolDropsTheHighestBodyAndNeverTheNextToConnect() {
        var pool = OrphanPool(capacity: 3, eviction: .highest)
        for height: UInt64 in [5, 3, 4] {
            let (block, hash) = Self.block(height)
            let held = pool.add(block, hash: hash)
            #expect(held)
        }
        // Block 2 connects sooner than 5: 5 makes room.
        let (two, twoHash) = Self.block(2)
        let twoHeld = pool.add(two, hash: twoHash)
        #expect(twoHeld)
        #expect(!pool.contains(Self.block(5).1))
        // Block 6 would be needed last: it is refused, nothing is dropped for it.
        let (six, sixHash) = Self.block(6)
        let sixHeld = pool.add(six, hash: sixHash)
        #expect(!sixHeld)
        #expect([2, 3, 4].allSatisfy { pool.contains(Self.block($0).1) })
        #expect(pool.count == 3)
    }

    @Test func anOrphanPoolDropsTheOldest() {
        var pool = OrphanPool(capacity: 2)
        for height: UInt64 in [1, 5, 3] {
            let (block, hash) = Self.block(height)
            let held = pool.add(block, hash: hash)
            #expect(held)
        }
        #expect(!pool.contains(Self.block(1).1))
        #expect(pool.contains(Self.block(5).1) && pool.contains(Self.block(3).1))
    }

    @Test func theByteBudgetBoundsThePoolWhateverItsCount() {
        let size = Self.block(1).0.size
        var pool = OrphanPool(capacity: 100, byteBudget: 2 * size + size / 2, eviction: .highest)
        for height: UInt64 in [1, 2, 3] {
            let (block, hash) = Self.block(height)
            pool.add(block, hash: hash)
        }
        #expect(pool.count == 2)
        #expect(pool.bytes <= pool.byteBudget)
        #expect(!pool.contains(Self.block(3).1))
        // A body larger than the whole budget is never held.
        var tiny = OrphanPool(capacity: 100, byteBudget: size - 1)
        let held = tiny.add(Self.block(1).0, hash: Self.block(1).1)
        #expect(!held)
        #expect(tiny.count == 0)
    }

    @Test func takingBodiesReturnsTheirBytes() {
        var pool = OrphanPool(capacity: 10)
        for height: UInt64 in [2, 3] {
            let (block, hash) = Self.block(height)
            pool.add(block, hash: hash, origin: .peer(7))
        }
        let children = pool.takeChildren(of: Self.block(1).1)
        #expect(children.map(\.block.hash) == [Self.block(2).1])
        #expect(children.first?.origin == .peer(7))
        let taken = pool.take(Self.block(3).1)
        #expect(taken?.block.hash == Self.block(3).1)
        #expect(pool.count == 0 && pool.bytes == 0)
    }
}

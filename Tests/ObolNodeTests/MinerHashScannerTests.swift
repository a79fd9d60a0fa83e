import ObolCore
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MinerHashScannerTests {
    static func header(height: UInt64, bits: UInt32, timestamp: UInt64 = 1_700_000_123) -> BlockHeader {
        let params = ChainParams.test
        return BlockHeader(height: height, previousHash: params.genesisBlock.hash,
                           merkleRoot: params.genesisBlock.header.merkleRoot, timestamp: timestamp,
                           bits: CompactTarget(bits: bits))
    }

    /// The first nonce from `start` that meets the target, by hashing whole headers in Swift.
    static func firstWinningNonce(_ header: BlockHeader, from start: UInt64, count: UInt64) -> UInt64? {
        var header = header
        for nonce in start..<(start + count) {
            header.nonce = nonce
            if header.meetsOwnTarget { return nonce }
        }
        return nil
    }

    @Test func hashThroughMidstateEqualsHeaderHash() throws {
        let header = Self.header(height: 7, bits: 0x207f_ffff)
        let scanner = try #require(HashScanner(header: header))
        for nonce: UInt64 in [0, 1, 2, 255, 65_536, 0xdead_beef, UInt64.max] {
            var copy = header
            copy.nonce = nonce
            #expect(scanner.hash(nonce: nonce) == copy.hash)
            #expect(scanner.meetsTarget(nonce: nonce) == copy.meetsOwnTarget)
        }
    }

    @Test(arguments: [1, 2, 3, 50, 149] as [UInt64])
    func firstFoundNonceMatchesScalarLoopAtTestDifficulty(height: UInt64) throws {
        let header = Self.header(height: height, bits: ChainParams.test.initialBits.bits)
        let scanner = try #require(HashScanner(header: header))
        let found = try #require(scanner.scan(from: 0, count: 1_000))
        #expect(found == Self.firstWinningNonce(header, from: 0, count: 1_000))
        var winner = header
        winner.nonce = found
        #expect(winner.meetsOwnTarget)
        #expect(throws: Never.self) { try HeaderValidator.checkProofOfWork(winner) }
    }

    /// About 1 in 256 nonces wins, so the kernel must skip many losers correctly.
    @Test(arguments: [(1, 0), (2, 5_000), (3, 123_456)] as [(UInt64, UInt64)])
    func firstFoundNonceMatchesScalarLoopAtModerateDifficulty(height: UInt64, start: UInt64) throws {
        let header = Self.header(height: height, bits: 0x2000_ffff)
        let scanner = try #require(HashScanner(header: header))
        let found = try #require(scanner.scan(from: start, count: 20_000))
        #expect(found >= start)
        #expect(found == Self.firstWinningNonce(header, from: start, count: found - start + 1))
        var winner = header
        winner.nonce = found
        #expect(winner.meetsOwnTarget)
    }

    @Test func hardTargetFindsNothing() throws {
        let scanner = try #require(HashScanner(header: Self.header(height: 1, bits: 0x0300_0001)))
        #expect(scanner.scan(from: 0, count: 4_096) == nil)
        #expect(scanner.scan(from: 10, count: 0) == nil)
    }

    @Test func scanNearTheTopOfTheNonceSpaceDoesNotWrap() throws {
        let easy = try #require(HashScanner(header: Self.header(height: 1, bits: 0x207f_ffff)))
        let found = try #require(easy.scan(from: UInt64.max - 63, count: 1_000))
        #expect(found >= UInt64.max - 63)
        let hard = try #require(HashScanner(header: Self.header(height: 1, bits: 0x0300_0001)))
        #expect(hard.scan(from: UInt64.max - 63, count: .max) == nil)
    }

    @Test func invalidBitsGiveNoScanner() {
        #expect(HashScanner(header: Self.header(height: 1, bits: 0x0080_0000)) == nil)
        #expect(HashScanner(header: Self.header(height: 1, bits: 0x2300_0001)) == nil)
    }

    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func partitionCoversTheFullSpaceWithoutOverlap(workers: Int) throws {
        try Self.checkPartition(of: NoncePartition.fullSpace, workers: workers)
    }

    @Test(arguments: [(0...0, 3), (10...12, 5), (100...199, 3), (UInt64.max - 4...UInt64.max, 2)]
        as [(ClosedRange<UInt64>, Int)])
    func partitionCoversSmallSpacesWithoutOverlap(space: ClosedRange<UInt64>, workers: Int) throws {
        try Self.checkPartition(of: space, workers: workers)
    }

    static func checkPartition(of space: ClosedRange<UInt64>, workers: Int) throws {
        let slices = (0..<workers).compactMap { NoncePartition.slice($0, of: workers, in: space) }
        let first = try #require(slices.first)
        #expect(first.lowerBound == space.lowerBound)
        #expect(slices.last?.upperBound == space.upperBound)
        for (a, b) in zip(slices, slices.dropFirst()) {
            #expect(a.upperBound < UInt64.max && a.upperBound + 1 == b.lowerBound)
        }
        let sizes = slices.map { UInt128($0.upperBound - $0.lowerBound) + 1 }
        #expect(sizes.max()! - sizes.min()! <= 1)
        let total = UInt128(space.upperBound - space.lowerBound) + 1
        #expect(sizes.reduce(0, +) == total)
        #expect(slices.count == Int(min(UInt128(workers), total)))
    }
}

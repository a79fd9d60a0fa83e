import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct CompactTargetTests {
    /// Canonical bits, their target (hex), from Bitcoin's SetCompact/GetCompact tests and chain.
    @Test(arguments: [
        (UInt32(0x1d00_ffff), "00000000ffff0000000000000000000000000000000000000000000000000000"),
        (0x1b04_04cb, "00000000000404cb000000000000000000000000000000000000000000000000"),
        (0x207f_ffff, "7fffff0000000000000000000000000000000000000000000000000000000000"),
        (0x0112_0000, "12"),
        (0x0212_3400, "1234"),
        (0x0312_3456, "123456"),
        (0x0412_3456, "12345600"),
        (0x0500_9234, "92340000"),
        (0x2012_3456, "1234560000000000000000000000000000000000000000000000000000000000"),
        (0x2100_ffff, "ffff000000000000000000000000000000000000000000000000000000000000"),
    ])
    func decodesKnownBitsAndEncodesThemBack(bits: UInt32, hex: String) throws {
        let target = try #require(CompactTarget(bits: bits).target)
        #expect(target == UInt256(hex: hex))
        #expect(CompactTarget(target: target).bits == bits)
    }

    /// Non-canonical encodings of a representable target decode but re-encode canonically.
    @Test(arguments: [
        (UInt32(0x0112_3456), UInt32(0x0112_0000)),
        (0x0212_3456, 0x0212_3400),
        (0x0400_1234, 0x0312_3400),
    ])
    func reencodesNonCanonicalBits(bits: UInt32, canonical: UInt32) throws {
        let target = try #require(CompactTarget(bits: bits).target)
        #expect(CompactTarget(target: target).bits == canonical)
    }

    @Test(arguments: [
        UInt32(0x0492_3456), 0x01fe_dcba, 0x0080_0001, 0x0180_3456, 0x2080_0000,  // sign bit set
    ])
    func negativeBitsDecodeToNil(bits: UInt32) {
        #expect(CompactTarget(bits: bits).target == nil)
    }

    @Test(arguments: [
        UInt32(0xff12_3456), 0x2301_0000, 0x2300_0001, 0x2201_0000, 0x2101_0000,  // beyond 256 bits
    ])
    func overflowingBitsDecodeToNil(bits: UInt32) {
        #expect(CompactTarget(bits: bits).target == nil)
    }

    @Test(arguments: [UInt32(0), 0x0012_3456, 0x0100_3456, 0x0200_0056, 0x0300_0000, 0x0400_0000])
    func zeroTargetsDecodeToNil(bits: UInt32) {
        #expect(CompactTarget(bits: bits).target == nil)
    }

    @Test func largestAndSmallestRepresentableTargets() throws {
        #expect(try #require(CompactTarget(bits: 0x2200_0001).target) == UInt256.one.shiftedLeft(248))
        #expect(try #require(CompactTarget(bits: 0x2100_ffff).target).bitWidth == 256)
        #expect(try #require(CompactTarget(bits: 0x0101_0000).target) == .one)
        #expect(CompactTarget(target: .one).bits == 0x0101_0000)
        #expect(CompactTarget(target: .zero).bits == 0)
    }

    @Test func encodingRoundsDownAndKeepsSixteenSignificantBits() throws {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<500 {
            let target = UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next()))
                .shiftedRight(Int.random(in: 0...255, using: &rng))
            guard !target.isZero else { continue }
            let compact = CompactTarget(target: target)
            let decoded = try #require(compact.target)
            #expect(decoded <= target)
            let lost = target.subtractingReportingOverflow(decoded).partialValue
            #expect(lost.bitWidth <= max(0, target.bitWidth - 16))
            #expect(CompactTarget(target: decoded) == compact)  // canonical
            #expect(compact.bits & 0x0080_0000 == 0)
        }
    }

    @Test func descriptionIsHexBits() {
        #expect(CompactTarget(bits: 0x1d00_ffff).description == "0x1d00ffff")
    }
}

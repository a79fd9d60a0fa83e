import Foundation
import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct UInt256Tests {
    static func pow2(_ n: Int) -> UInt256 { UInt256.one.shiftedLeft(n) }
    static func random(_ rng: inout SeededRandom) -> UInt256 {
        // Vary the width so that short and long values both occur.
        UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next())).shiftedRight(Int.random(in: 0...255, using: &rng))
    }

    @Test func hexRoundTripsAndPadsToSixtyFourDigits() throws {
        let value = try #require(UInt256(hex: "0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978"))
        #expect(value.description == "0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978")
        #expect(UInt256(hex: "ff") == UInt256(255))
        #expect(UInt256(hex: "abc") == UInt256(0xabc))
        #expect(UInt256(255).description == String(repeating: "0", count: 62) + "ff")
        #expect(UInt256(hex: String(repeating: "f", count: 65)) == nil)
        #expect(UInt256(hex: "xyz") == nil)
        #expect(UInt256(littleEndianBytes: value.littleEndianBytes) == value)
        let json = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(UInt256.self, from: json) == value)
    }

    @Test func comparesAcrossLimbs() {
        #expect(UInt256(.max) < Self.pow2(64))
        #expect(Self.pow2(255) < .max)
        #expect(UInt256(limbs: (.max, 0, 0, 1)) > UInt256(limbs: (0, .max, .max, 0)))
        #expect(!(UInt256(7) < UInt256(7)))
        #expect(UInt256.zero.isZero && !UInt256.one.isZero)
    }

    @Test func additionCarriesAndReportsOverflow() {
        #expect(UInt256(.max).addingReportingOverflow(.one) == (Self.pow2(64), false))
        #expect(Self.pow2(192).subtractingReportingOverflow(.one).partialValue.addingReportingOverflow(.one) == (Self.pow2(192), false))
        #expect(UInt256.max.addingReportingOverflow(.one) == (.zero, true))
        #expect(UInt256.max + .one == .max)  // chain work saturates
        #expect(UInt256.max + .max == .max)
        #expect(UInt256(2) + UInt256(3) == UInt256(5))
    }

    @Test func subtractionBorrowsAndReportsUnderflow() {
        #expect(UInt256.zero.subtractingReportingOverflow(.one) == (.max, true))
        #expect(Self.pow2(64).subtractingReportingOverflow(.one) == (UInt256(.max), false))
        #expect(Self.pow2(256 - 1).subtractingReportingOverflow(Self.pow2(255)) == (.zero, false))
    }

    @Test func multiplicationCarriesAndReportsOverflow() {
        let (square, overflow) = UInt256(.max).multipliedReportingOverflow(by: .max)
        #expect(!overflow)
        #expect(square == UInt256(limbs: (1, .max - 1, 0, 0)))  // (2^64 - 1)^2
        #expect(UInt256.max.multipliedReportingOverflow(by: 1) == (.max, false))
        #expect(UInt256.max.multipliedReportingOverflow(by: 0) == (.zero, false))
        #expect(Self.pow2(255).multipliedReportingOverflow(by: 2).overflow)
        #expect(!Self.pow2(254).multipliedReportingOverflow(by: 2).overflow)
    }

    @Test func divisionBySmallValue() {
        #expect(UInt256.max.quotientAndRemainder(dividingBy: 1) == (.max, 0))
        let (q, r) = Self.pow2(128).quotientAndRemainder(dividingBy: 3)
        #expect(r == 1)  // 2^128 = 3q + 1
        #expect(q.multipliedReportingOverflow(by: 3).partialValue.addingReportingOverflow(UInt256(r)).partialValue == Self.pow2(128))
        var rng = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let x = Self.random(&rng)
            let d = rng.next() | 1
            let (q, r) = x.quotientAndRemainder(dividingBy: d)
            #expect(r < d)
            let (product, overflow) = q.multipliedReportingOverflow(by: d)
            #expect(!overflow)
            #expect(product.addingReportingOverflow(UInt256(r)) == (x, false))
        }
    }

    @Test func divisionByWideValue() {
        #expect(UInt256.max.dividedBy(Self.pow2(128)) == Self.pow2(128).subtractingReportingOverflow(.one).partialValue)
        #expect(UInt256(5).dividedBy(UInt256(7)) == .zero)
        var rng = SeededRandom(seed: 4)
        for _ in 0..<100 {
            let x = Self.random(&rng)
            guard !x.isZero else { continue }
            #expect(x.dividedBy(x) == .one)
            #expect(x.dividedBy(.one) == x)
            if x != .max { #expect(x.dividedBy(x.addingReportingOverflow(.one).partialValue) == .zero) }
            let d = rng.next() | 1
            #expect(x.dividedBy(UInt256(d)) == x.quotientAndRemainder(dividingBy: d).quotient)
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 127, 128, 191, 200, 255])
    func shiftsMoveBitsAcrossLimbs(n: Int) {
        #expect(UInt256.one.shiftedLeft(n).bitWidth == n + 1)
        #expect(UInt256.one.shiftedLeft(n).bit(n))
        #expect(UInt256.one.shiftedLeft(n).shiftedRight(n) == .one)
        #expect(UInt256.max.shiftedRight(n).bitWidth == 256 - n)
        #expect(UInt256.max.shiftedLeft(n).shiftedRight(n) == UInt256.max.shiftedRight(n))
    }

    @Test func shiftingByTheFullWidthGivesZero() {
        #expect(UInt256.max.shiftedLeft(256) == .zero)
        #expect(UInt256.max.shiftedRight(256) == .zero)
        #expect(UInt256.max.shiftedLeft(1000) == .zero)
        #expect(UInt256.zero.bitWidth == 0)
        #expect(UInt256.max.bitWidth == 256)
        #expect(~UInt256.zero == .max)
    }

    @Test func workForBitcoinGenesisTarget() throws {
        let target = try #require(CompactTarget(bits: 0x1d00_ffff).target)
        #expect(target.workForTarget == UInt256(0x1_0001_0001))
    }

    @Test func workForExtremeTargets() {
        #expect(UInt256.max.workForTarget == .one)
        #expect(Self.pow2(255).subtractingReportingOverflow(.one).partialValue.workForTarget == UInt256(2))
        #expect(UInt256.one.workForTarget == Self.pow2(255))  // 2^256 / 2
        // Harder targets always mean more work.
        #expect(UInt256(1_000).workForTarget > UInt256(1_001).workForTarget)
    }
}

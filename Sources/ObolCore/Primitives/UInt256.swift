/// Exact unsigned 256-bit integers for targets and chain work.
///
/// Consensus never uses floating point: every target, retarget step and
/// cumulative work sum goes through this type.
public struct UInt256: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Least significant limb first.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }
    public init(_ value: UInt64) { limbs = (value, 0, 0, 0) }

    public static let zero = UInt256(0)
    public static let one = UInt256(1)
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    @inlinable subscript(i: Int) -> UInt64 {
        get {
            switch i {
            case 0: limbs.0
            case 1: limbs.1
            case 2: limbs.2
            default: limbs.3
            }
        }
        set {
            switch i {
            case 0: limbs.0 = newValue
            case 1: limbs.1 = newValue
            case 2: limbs.2 = newValue
            default: limbs.3 = newValue
            }
        }
    }

    public var isZero: Bool { limbs.0 == 0 && limbs.1 == 0 && limbs.2 == 0 && limbs.3 == 0 }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        for i in stride(from: 3, through: 0, by: -1) where self[i] != 0 {
            return i * 64 + (64 - self[i].leadingZeroBitCount)
        }
        return 0
    }

    public static func == (a: UInt256, b: UInt256) -> Bool {
        a.limbs.0 == b.limbs.0 && a.limbs.1 == b.limbs.1 && a.limbs.2 == b.limbs.2 && a.limbs.3 == b.limbs.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0); hasher.combine(limbs.1); hasher.combine(limbs.2); hasher.combine(limbs.3)
    }

    public static func < (a: UInt256, b: UInt256) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i]
        }
        return false
    }

    /// Sum and whether it overflowed 256 bits.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var out = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = self[i].addingReportingOverflow(other[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (out, carry != 0)
    }

    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var out = UInt256.zero
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = self[i].subtractingReportingOverflow(other[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (out, borrow != 0)
    }

    /// Saturating addition: chain work never wraps.
    public static func + (a: UInt256, b: UInt256) -> UInt256 {
        let (v, o) = a.addingReportingOverflow(b)
        return o ? .max : v
    }

    /// Product with a 64-bit factor and whether it overflowed.
    public func multipliedReportingOverflow(by factor: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        var out = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = self[i].multipliedFullWidth(by: factor)
            let (sum, o) = lo.addingReportingOverflow(carry)
            out[i] = sum
            carry = hi &+ (o ? 1 : 0)
        }
        return (out, carry != 0)
    }

    /// Quotient and remainder by a non-zero 64-bit divisor.
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "division by zero")
        var out = UInt256.zero
        var rem: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((rem, self[i]))
            out[i] = q
            rem = r
        }
        return (out, rem)
    }

    /// Quotient by a non-zero 256-bit divisor (shift and subtract; not a hot path).
    public func dividedBy(_ divisor: UInt256) -> UInt256 {
        precondition(!divisor.isZero, "division by zero")
        if self < divisor { return .zero }
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for bit in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeft(1)
            if self.bit(bit) { remainder[0] |= 1 }
            if remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return quotient
    }

    public func bit(_ index: Int) -> Bool { (self[index / 64] >> UInt64(index % 64)) & 1 == 1 }

    public func shiftedLeft(_ n: Int) -> UInt256 {
        guard n > 0 else { return self }
        guard n < 256 else { return .zero }
        var out = UInt256.zero
        let limbShift = n / 64, bitShift = UInt64(n % 64)
        for i in stride(from: 3, through: limbShift, by: -1) {
            var v = self[i - limbShift] << bitShift
            if bitShift > 0 && i - limbShift - 1 >= 0 { v |= self[i - limbShift - 1] >> (64 - bitShift) }
            out[i] = v
        }
        return out
    }

    public func shiftedRight(_ n: Int) -> UInt256 {
        guard n > 0 else { return self }
        guard n < 256 else { return .zero }
        var out = UInt256.zero
        let limbShift = n / 64, bitShift = UInt64(n % 64)
        for i in 0..<(4 - limbShift) {
            var v = self[i + limbShift] >> bitShift
            if bitShift > 0 && i + limbShift + 1 < 4 { v |= self[i + limbShift + 1] << (64 - bitShift) }
            out[i] = v
        }
        return out
    }

    public static prefix func ~ (a: UInt256) -> UInt256 {
        UInt256(limbs: (~a.limbs.0, ~a.limbs.1, ~a.limbs.2, ~a.limbs.3))
    }

    /// The expected number of hashes to find a block at this target:
    /// 2^256 / (target + 1), computed as ~target / (target + 1) + 1.
    public var workForTarget: UInt256 {
        if self == .max { return .one }
        let denominator = self.addingReportingOverflow(.one).partialValue
        return (~self).dividedBy(denominator).addingReportingOverflow(.one).partialValue
    }

    /// 32 little-endian bytes.
    public var littleEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[i] = UInt8(truncatingIfNeeded: self[i / 8] >> UInt64(8 * (i % 8))) }
        return out
    }

    public init(littleEndianBytes bytes: [UInt8]) {
        precondition(bytes.count == 32)
        self = .zero
        for i in 0..<32 { self[i / 8] |= UInt64(bytes[i]) << UInt64(8 * (i % 8)) }
    }

    /// 64 hex digits, most significant first.
    public var description: String { Hex.encode(littleEndianBytes.reversed()) }

    public init?(hex: String) {
        guard hex.utf8.count <= 64 else { return nil }
        let padded = String(repeating: "0", count: 64 - hex.utf8.count) + hex
        guard let raw = Hex.decode(padded) else { return nil }
        self.init(littleEndianBytes: raw.reversed())
    }
}

extension UInt256: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = UInt256(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 256-bit hex number"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

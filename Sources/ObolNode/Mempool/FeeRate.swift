import ObolCore

/// A fee per encoded byte, kept as the exact fraction `fee / size` and
/// compared by cross-multiplication in 128 bits, so no floating point and no
/// overflow is involved.
public struct FeeRate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let fee: UInt64
    /// Encoded size in bytes (at least 1).
    public let size: UInt64

    public init(fee: UInt64, size: Int) {
        self.fee = fee
        self.size = UInt64(max(size, 1))
    }

    public init(_ transfer: Transfer) {
        self.init(fee: transfer.fee, size: transfer.size)
    }

    public static func < (a: FeeRate, b: FeeRate) -> Bool {
        let left = a.fee.multipliedFullWidth(by: b.size)
        let right = b.fee.multipliedFullWidth(by: a.size)
        return left.high < right.high || (left.high == right.high && left.low < right.low)
    }

    /// Equal as fractions: 2/4 == 1/2.
    public static func == (a: FeeRate, b: FeeRate) -> Bool {
        let left = a.fee.multipliedFullWidth(by: b.size)
        let right = b.fee.multipliedFullWidth(by: a.size)
        return left.high == right.high && left.low == right.low
    }

    public func hash(into hasher: inout Hasher) {
        let divisor = gcd(fee, size)
        hasher.combine(fee / divisor)
        hasher.combine(size / divisor)
    }

    public var description: String { "\(fee)/\(size) per byte" }

    private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }
}

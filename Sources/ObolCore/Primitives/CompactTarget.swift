/// A target in Bitcoin's compact "bits" form: one exponent byte and a 23-bit
/// mantissa. `target = mantissa * 256^(exponent - 3)`.
public struct CompactTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bits: UInt32

    public init(bits: UInt32) { self.bits = bits }

    /// The compact form of `target`, rounded down to what the form can hold.
    public init(target: UInt256) {
        var size = (target.bitWidth + 7) / 8
        var mantissa: UInt64
        if size <= 3 {
            mantissa = target[0] << UInt64(8 * (3 - size))
        } else {
            mantissa = target.shiftedRight(8 * (size - 3))[0]
        }
        // The sign bit (0x00800000) must stay clear.
        if mantissa & 0x0080_0000 != 0 {
            mantissa >>= 8
            size += 1
        }
        bits = UInt32(size) << 24 | UInt32(mantissa & 0x007f_ffff)
    }

    /// The expanded target, or nil when the compact value is negative,
    /// overflows 256 bits, or is zero.
    public var target: UInt256? {
        let size = Int(bits >> 24)
        let mantissa = UInt64(bits & 0x007f_ffff)
        guard bits & 0x0080_0000 == 0, mantissa != 0 else { return nil }
        if size <= 3 {
            let v = mantissa >> UInt64(8 * (3 - size))
            return v == 0 ? nil : UInt256(v)
        }
        let shift = 8 * (size - 3)
        let value = UInt256(mantissa)
        guard value.bitWidth + shift <= 256 else { return nil }
        return value.shiftedLeft(shift)
    }

    public var description: String { "0x" + String(bits, radix: 16) }
}

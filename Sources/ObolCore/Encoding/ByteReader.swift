/// Why bytes did not decode. Every malformed input maps to one of these;
/// the decoder never traps and never allocates by a length it has not checked.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(needed: Int, available: Int)
    case trailingBytes(Int)
    case countTooLarge(field: String, count: Int, limit: Int)
    case unknownType(field: String, value: UInt8)
    case invalidValue(field: String)

    public var description: String {
        switch self {
        case let .truncated(needed, available): "truncated: needed \(needed) bytes, \(available) left"
        case let .trailingBytes(n): "\(n) unexpected trailing bytes"
        case let .countTooLarge(field, count, limit): "\(field): count \(count) exceeds limit \(limit)"
        case let .unknownType(field, value): "\(field): unknown type \(value)"
        case let .invalidValue(field): "\(field): invalid value"
        }
    }
}

/// Reads canonical little-endian values from a byte array, bounds-checked.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    @inline(__always) mutating func need(_ n: Int) throws(DecodeError) {
        guard n <= remaining else { throw .truncated(needed: n, available: remaining) }
    }

    public mutating func read(_: UInt8.Type = UInt8.self) throws(DecodeError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self) throws(DecodeError) -> T {
        let size = MemoryLayout<T>.size
        try need(size)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    public mutating func readHash() throws(DecodeError) -> Hash256 {
        try need(32)
        let value = bytes.withUnsafeBytes { Hash256(unsafeBytes: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 32])) }
        offset += 32
        return value
    }

    /// Reads `count` bytes through `body`, without copying them into an array.
    @inline(__always)
    mutating func read<R>(_ count: Int, _ body: (UnsafeRawBufferPointer) -> R) throws(DecodeError) -> R {
        try need(count)
        let start = offset
        offset += count
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<start + count])) }
    }

    /// A 20-byte address.
    public mutating func readAddress() throws(DecodeError) -> Address {
        try read(Address.size) { Address(unsafeBytes: $0) }
    }

    /// A 33-byte public key, not checked to be on the curve (verification parses it).
    public mutating func readPublicKey() throws(DecodeError) -> PublicKey {
        try read(PublicKey.size) { PublicKey(uncheckedRaw: $0) }
    }

    /// A 64-byte compact signature.
    public mutating func readSignature() throws(DecodeError) -> Signature {
        try read(Signature.size) { Signature(unsafeBytes: $0) }
    }

    /// Exactly `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A 16-bit length-prefixed byte string of at most `limit` bytes.
    public mutating func readShortBytes(field: String, limit: Int) throws(DecodeError) -> [UInt8] {
        let count = Int(try read(UInt16.self))
        guard count <= limit else { throw .countTooLarge(field: field, count: count, limit: limit) }
        return try readBytes(count)
    }

    /// A 32-bit element count, checked against `limit` and against the bytes
    /// left (each element needs at least `minimumElementSize`) before anything
    /// is allocated for it.
    public mutating func readCount(field: String, limit: Int, minimumElementSize: Int) throws(DecodeError) -> Int {
        let count = Int(try read(UInt32.self))
        guard count <= limit else { throw .countTooLarge(field: field, count: count, limit: limit) }
        guard count * minimumElementSize <= remaining else {
            throw .truncated(needed: count * minimumElementSize, available: remaining)
        }
        return count
    }

    public func expectEnd() throws(DecodeError) {
        guard remaining == 0 else { throw .trailingBytes(remaining) }
    }
}

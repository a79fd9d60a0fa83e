/// Appends the canonical little-endian encoding of values to a byte array.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func write(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func write<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        var le = value.littleEndian
        Swift.withUnsafeBytes(of: &le) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ hash: Hash256) {
        hash.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public mutating func write(raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    /// A length-prefixed byte string (16-bit length).
    public mutating func writeShortBytes(_ raw: [UInt8]) {
        precondition(raw.count <= Int(UInt16.max))
        write(UInt16(raw.count))
        bytes.append(contentsOf: raw)
    }
}

/// Values with one canonical binary encoding and a strict decoder.
public protocol BinaryEncodable {
    func encode(to writer: inout ByteWriter)
}

public protocol BinaryDecodable {
    init(from reader: inout ByteReader) throws(DecodeError)
}

public typealias BinaryCodable = BinaryEncodable & BinaryDecodable

extension BinaryEncodable {
    /// The canonical encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension BinaryDecodable {
    /// Decodes exactly one value: trailing bytes are an error.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd()
    }
}

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

    /// The bytes of `raw`, copied as they are.
    public mutating func write(raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                     count: raw.count))
    }

    /// The key's 33 bytes.
    public mutating func write(_ key: PublicKey) { key.withUnsafeBytes { write(raw: $0) } }

    /// The address's 20 bytes.
    public mutating func write(_ address: Address) { address.withUnsafeBytes { write(raw: $0) } }

    /// The signature's 64 bytes.
    public mutating func write(_ signature: Signature) { signature.withUnsafeBytes { write(raw: $0) } }

    /// A length-prefixed byte string (16-bit length).
    public mutating func writeShortBytes(_ raw: [UInt8]) {
        precondition(raw.count <= Int(UInt16.max))
        write(UInt16(raw.count))
        bytes.append(contentsOf: raw)
    }
}

/// Where an encoding is written: a growing `ByteWriter`, or a fixed buffer
/// on the stack when only a hash of the bytes is wanted.
protocol ByteSink {
    mutating func append(raw: UnsafeRawBufferPointer)
}

extension ByteWriter: ByteSink {
    mutating func append(raw: UnsafeRawBufferPointer) { write(raw: raw) }
}

extension ByteSink {
    @inline(__always) mutating func append(_ value: UInt8) {
        Swift.withUnsafeBytes(of: value) { append(raw: $0) }
    }

    @inline(__always) mutating func append<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(raw: $0) }
    }

    @inline(__always) mutating func append(_ hash: Hash256) { hash.withUnsafeBytes { append(raw: $0) } }
    @inline(__always) mutating func append(_ key: PublicKey) { key.withUnsafeBytes { append(raw: $0) } }
    @inline(__always) mutating func append(_ address: Address) { address.withUnsafeBytes { append(raw: $0) } }
    @inline(__always) mutating func append(_ signature: Signature) { signature.withUnsafeBytes { append(raw: $0) } }

    /// A 16-bit length, then the bytes.
    @inline(__always) mutating func appendShortBytes(_ raw: [UInt8]) {
        precondition(raw.count <= Int(UInt16.max))
        append(UInt16(raw.count))
        raw.withUnsafeBytes { append(raw: $0) }
    }
}

/// A sink over a fixed buffer that the caller sized exactly (no bounds
/// growth: writing past the end is a programming error and traps).
struct FixedByteSink: ByteSink {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    @inline(__always) mutating func append(raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        precondition(count + raw.count <= buffer.count, "FixedByteSink overflow")
        (buffer.baseAddress! + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }

    /// The bytes written so far.
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[..<count]) }
}

/// Hashes bytes written through a `FixedByteSink` of at most `capacity`
/// bytes, on the stack (no allocation for the sizes used here).
@inline(__always)
func hashEncoding(capacity: Int, double: Bool, _ write: (inout FixedByteSink) -> Void) -> Hash256 {
    withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
        var sink = FixedByteSink(buffer)
        write(&sink)
        return double ? SHA256d.hash(sink.written) : SHA256.hash(sink.written)
    }
}

/// Values with one canonical binary encoding and a strict decoder.
public protocol BinaryEncodable {
    func encode(to writer: inout ByteWriter)
    /// How many bytes `encoded` reserves up front: the exact size where it is
    /// cheap to know (blocks, transactions, headers), so encoding grows no buffer.
    var encodingCapacity: Int { get }
}

public protocol BinaryDecodable {
    init(from reader: inout ByteReader) throws(DecodeError)
}

public typealias BinaryCodable = BinaryEncodable & BinaryDecodable

extension BinaryEncodable {
    public var encodingCapacity: Int { 128 }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: encodingCapacity)
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

import ObolCore

/// Reads little-endian values straight out of a borrowed buffer (the transport's bytes), bounds-checked.
/// It never outlives the buffer: it exists only inside a `withUnsafeBytes` scope.
struct WireReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var remaining: Int { buffer.count - offset }

    @inline(__always) func need(_ n: Int) throws(WireError) {
        guard n <= remaining else { throw .truncated(needed: n, available: remaining) }
    }

    mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        try need(size)
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func readHash() throws(WireError) -> Hash256 {
        Hash256(unsafeBytes: try readSlice(32))
    }

    /// The next `count` bytes, borrowed (no copy).
    mutating func readSlice(_ count: Int) throws(WireError) -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    /// A u32 count, checked against `limit` and against the bytes left (each element needs at least
    /// `minimumElementSize`) before anything is allocated for it.
    mutating func readCount(field: String, limit: Int, minimumElementSize: Int) throws(WireError) -> Int {
        let count = Int(try read(UInt32.self))
        guard count <= limit else { throw .countTooLarge(field: field, count: count, limit: limit) }
        try need(count * minimumElementSize)
        return count
    }

    func expectEnd() throws(WireError) {
        guard remaining == 0 else { throw .trailingBytes(remaining) }
    }
}

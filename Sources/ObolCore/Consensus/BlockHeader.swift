import CSHA256

/// A block header: exactly 96 bytes, with the 64-bit nonce last so the
/// first 64 bytes (one SHA-256 block) stay fixed while mining.
public struct BlockHeader: Sendable, Hashable, BinaryCodable {
    public static let size = Int(OBOL_HEADER_SIZE)
    public static let nonceOffset = Int(OBOL_HEADER_NONCE_OFFSET)

    public var version: UInt32
    public var height: UInt64
    public var previousHash: Hash256
    public var merkleRoot: Hash256
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64
    public var bits: CompactTarget
    public var nonce: UInt64

    public init(version: UInt32 = 1, height: UInt64, previousHash: Hash256, merkleRoot: Hash256,
                timestamp: UInt64, bits: CompactTarget, nonce: UInt64 = 0) {
        self.version = version
        self.height = height
        self.previousHash = previousHash
        self.merkleRoot = merkleRoot
        self.timestamp = timestamp
        self.bits = bits
        self.nonce = nonce
    }

    /// SHA256d of the encoded header (encoded on the stack: no allocation).
    public var hash: Hash256 {
        hashEncoding(capacity: Self.size, double: true) { write(to: &$0) }
    }

    /// True when the hash is at or below the target its bits encode.
    public var meetsOwnTarget: Bool {
        guard let target = bits.target else { return false }
        return hash.numericValue <= target
    }

    public func encode(to w: inout ByteWriter) { write(to: &w) }

    public var encodingCapacity: Int { Self.size }

    @inline(__always)
    private func write<Sink: ByteSink>(to w: inout Sink) {
        w.append(version)
        w.append(height)
        w.append(previousHash)
        w.append(merkleRoot)
        w.append(timestamp)
        w.append(bits.bits)
        w.append(nonce)
    }

    public init(from r: inout ByteReader) throws(DecodeError) {
        version = try r.read(UInt32.self)
        height = try r.read(UInt64.self)
        previousHash = try r.readHash()
        merkleRoot = try r.readHash()
        timestamp = try r.read(UInt64.self)
        bits = CompactTarget(bits: try r.read(UInt32.self))
        nonce = try r.read(UInt64.self)
    }
}

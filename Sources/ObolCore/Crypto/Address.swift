/// Where coins are paid: 20 bytes of the double SHA-256 of a compressed
/// public key, written in bech32m with the prefix `obol`.
///
/// The 20 bytes are stored inline (two 64-bit words and a 32-bit one, in
/// memory order), so an address costs no allocation to decode, copy, hash or
/// compare; `bytes` builds an array on demand.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let size = 20
    public static let prefix = "obol"

    // The bytes in memory order: w0 holds bytes 0..<8, w1 8..<16, w2 16..<20.
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt32

    /// The 20 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self = bytes.withUnsafeBytes { Address(unsafeBytes: $0) }
    }

    /// Reads 20 bytes from `raw` (which must hold at least 20).
    init(unsafeBytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= Self.size)
        w0 = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    public init(publicKey: PublicKey) {
        let digest = publicKey.withUnsafeBytes { SHA256d.hash($0) }
        self = digest.withUnsafeBytes { Address(unsafeBytes: $0) }
    }

    /// Parses the bech32m text form; nil for a wrong prefix, a bad checksum
    /// (any mistyped character) or a wrong length.
    public init?(_ text: String) {
        guard let raw = Bech32m.decode(text, hrp: Self.prefix), raw.count == Self.size else { return nil }
        self.init(bytes: raw)
    }

    /// Calls `body` with the 20 bytes, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0, w1, w2)
        return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0.prefix(Self.size))) }
    }

    public var description: String { Bech32m.encode(hrp: Self.prefix, data: bytes) }

    /// Byte-wise (lexicographic) order of the 20 bytes.
    public static func < (a: Address, b: Address) -> Bool {
        let (a0, b0) = (UInt64(bigEndian: a.w0), UInt64(bigEndian: b.w0))
        if a0 != b0 { return a0 < b0 }
        let (a1, b1) = (UInt64(bigEndian: a.w1), UInt64(bigEndian: b.w1))
        if a1 != b1 { return a1 < b1 }
        return UInt32(bigEndian: a.w2) < UInt32(bigEndian: b.w2)
    }
}

extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Address(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid obol address"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Where coins are paid: 20 bytes of the double SHA-256 of a compressed
/// public key, written in bech32m with the prefix `obol`.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let size = 20
    public static let prefix = "obol"

    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = bytes
    }

    public init(publicKey: PublicKey) {
        bytes = Array(SHA256d.hash(publicKey.bytes).bytes.prefix(Self.size))
    }

    /// Parses the bech32m text form; nil for a wrong prefix, a bad checksum
    /// (any mistyped character) or a wrong length.
    public init?(_ text: String) {
        guard let raw = Bech32m.decode(text, hrp: Self.prefix), raw.count == Self.size else { return nil }
        bytes = raw
    }

    public var description: String { Bech32m.encode(hrp: Self.prefix, data: bytes) }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
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

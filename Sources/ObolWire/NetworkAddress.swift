import ObolCore

/// A peer's reachable address: an IPv4 or IPv6 host and a TCP port.
///
/// Encoding (PROTOCOL.md §10.3): a family byte, `4` then 4 octets or `6` then 16 octets (network order), then
/// the port as u16 little-endian: 7 or 19 bytes.
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Host: Sendable, Hashable {
        /// The four octets, first octet in the most significant byte (`10.0.0.1` is `0x0A00_0001`).
        case ipv4(UInt32)
        /// The sixteen octets as two big-endian halves.
        case ipv6(high: UInt64, low: UInt64)
    }

    public static let ipv4Family: UInt8 = 4
    public static let ipv6Family: UInt8 = 6
    /// The largest encoding (IPv6).
    public static let maxEncodedSize = 1 + 16 + 2
    /// The smallest encoding (IPv4).
    public static let minEncodedSize = 1 + 4 + 2

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// An IPv4 address from its dotted octets.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> NetworkAddress {
        NetworkAddress(host: .ipv4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)), port: port)
    }

    public var encodedSize: Int {
        switch host {
        case .ipv4: Self.minEncodedSize
        case .ipv6: Self.maxEncodedSize
        }
    }

    public func encode(to writer: inout ByteWriter) {
        switch host {
        case let .ipv4(octets):
            writer.write(Self.ipv4Family)
            writer.write(octets.byteSwapped) // octets in network order
        case let .ipv6(high, low):
            writer.write(Self.ipv6Family)
            writer.write(high.byteSwapped)
            writer.write(low.byteSwapped)
        }
        writer.write(port)
    }

    /// Decodes an address whose family byte `family` has already been read.
    static func decode(family: UInt8, from reader: inout WireReader) throws(WireError) -> NetworkAddress {
        let host: Host
        switch family {
        case ipv4Family: host = .ipv4(try reader.read(UInt32.self).byteSwapped)
        case ipv6Family:
            let high = try reader.read(UInt64.self).byteSwapped
            host = .ipv6(high: high, low: try reader.read(UInt64.self).byteSwapped)
        default: throw .unknownAddressFamily(family)
        }
        return NetworkAddress(host: host, port: try reader.read(UInt16.self))
    }

    public var description: String {
        switch host {
        case let .ipv4(o): "\(o >> 24).\(o >> 16 & 0xff).\(o >> 8 & 0xff).\(o & 0xff):\(port)"
        case let .ipv6(high, low):
            "[" + [high >> 48, high >> 32, high >> 16, high, low >> 48, low >> 32, low >> 16, low]
                .map { String($0 & 0xffff, radix: 16) }.joined(separator: ":") + "]:\(port)"
        }
    }
}

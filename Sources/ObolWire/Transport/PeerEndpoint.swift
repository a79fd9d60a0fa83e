/// Where a peer is reached: a host and a TCP port, written `HOST:PORT` (`[IPv6]:PORT` for IPv6).
public struct PeerEndpoint: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPv6]:PORT`; nil when the form or the port (1…65535) is wrong. With
    /// `defaultPort`, a bare host takes that port. What it accepts, `description` prints to text that parses
    /// to the same endpoint.
    public init?(_ text: String, defaultPort: Int? = nil) {
        var host: Substring
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { port = nil } else {
                guard rest.hasPrefix(":") else { return nil }
                port = rest.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon else { return nil }  // a bare IPv6 address needs brackets
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            host = Substring(text)
            port = nil
        }
        // No bracket in a host: `description` brackets hosts with a colon only, so "[[]:2" (host "[") would
        // print as "[:2", which does not parse.
        guard !host.isEmpty, host.count <= 255,
              !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" }) else { return nil }
        let number: Int
        if let port {
            guard port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(port) else { return nil }
            number = value
        } else {
            guard let defaultPort else { return nil }
            number = defaultPort
        }
        guard (1...65_535).contains(number) else { return nil }
        self.init(host: String(host), port: number)
    }

    /// The endpoint of a gossiped address.
    public init(_ address: NetworkAddress) {
        let text = address.description
        let colon = text.lastIndex(of: ":")!
        var host = String(text[..<colon])
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host, port: Int(address.port))
    }

    /// The wire form, when the host is an IPv4 literal (names and IPv6 are not gossiped).
    public var networkAddress: NetworkAddress? {
        guard let octets = ipv4Octets, (1...65_535).contains(port) else { return nil }
        return .ipv4(octets[0], octets[1], octets[2], octets[3], port: UInt16(port))
    }

    /// The four octets of an IPv4 literal host.
    public var ipv4Octets: [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> UInt8? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII) else { return nil }
            return UInt8(part)
        }
        return octets.count == 4 ? octets : nil
    }

    /// Whether the host is the unspecified address (0.0.0.0, or :: in any spelling): "every interface",
    /// where one listens, not an address anyone can reach.
    public var isUnspecified: Bool {
        ipv4Octets == [0, 0, 0, 0] || (host.contains(":") && host.allSatisfy { $0 == ":" || $0 == "0" })
    }

    /// The host's network group: the /16 of an IPv4 address, else the host itself. Eviction and the
    /// address book spread peers over groups so one operator cannot fill every slot.
    public var group: String {
        if let octets = ipv4Octets { return "\(octets[0]).\(octets[1])" }
        return host
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (a: PeerEndpoint, b: PeerEndpoint) -> Bool { (a.host, a.port) < (b.host, b.port) }
}

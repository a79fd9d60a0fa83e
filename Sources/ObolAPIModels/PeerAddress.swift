#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A peer's address as the API accepts it: `HOST:PORT`, `[IPv6]:PORT`, or a host alone (`HOST`, `IPv6`,
/// `[IPv6]`), which only bans use.
///
/// A host is a name (ASCII letters, digits, `.`, `-`, `_`, at most 255 of them), an IPv4 address in dotted
/// decimal, or an IPv6 address (in brackets when a port follows). Names are lower-cased and IPv6 addresses
/// written in their canonical form (`2001:DB8:0::1` is `2001:db8::1`), as the peer layer reports the
/// addresses of connections, so a ban or an unban names the host the way the node sees it. A port is
/// 1…65535 in decimal digits. The peer layer's `PeerEndpoint` parses every address with a port that this
/// accepts, to the same port and to the same host up to case and the IPv6 form.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int?

    public init(host: String, port: Int?) {
        self.host = host
        self.port = port
    }

    /// Parses `text`; a malformed address throws `invalid-peer-address` with what is wrong.
    public init(_ text: String) throws(InvalidRequest) {
        func invalid(_ why: String) -> InvalidRequest {
            InvalidRequest(code: "invalid-peer-address", message: "\"\(InvalidRequest.clip(text))\" is not a peer address: \(why)")
        }
        guard !text.isEmpty else { throw invalid("it is empty") }
        let host: String
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("\"[\" without \"]\"") }
            guard let ipv6 = Self.canonicalIPv6(text[text.index(after: text.startIndex)..<close]) else {
                throw invalid("only an IPv6 address goes in brackets")
            }
            host = ipv6
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("expected \":PORT\" after \"]\"") }
                port = rest.dropFirst()
            }
        } else if text.count(where: { $0 == ":" }) > 1 {
            guard let ipv6 = Self.canonicalIPv6(text[...]) else {
                throw invalid("expected HOST:PORT, or [IPv6]:PORT for IPv6")
            }
            host = ipv6
        } else {
            let colon = text.firstIndex(of: ":")
            let name = text[..<(colon ?? text.endIndex)]
            port = colon.map { text[text.index(after: $0)...] }
            guard !name.isEmpty, name.utf8.count <= 255,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
            else {
                throw invalid("a host is a name (letters, digits, \".\", \"-\", \"_\") or an IP address")
            }
            // Digits and dots alone are not a name: they must make an IPv4 address.
            guard !name.allSatisfy({ $0.isNumber || $0 == "." }) || Self.isIPv4(name) else {
                throw invalid("\"\(name)\" is not an IPv4 address")
            }
            host = name.lowercased()
        }
        var number: Int?
        if let port {
            guard !port.isEmpty, port.utf8.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(port), (1...65_535).contains(value) else {
                throw invalid("the port must be a number from 1 to 65535")
            }
            number = value
        }
        self.init(host: host, port: number)
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, or the host alone.
    public var description: String {
        guard let port else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        var address = in_addr()
        return String(text).withCString { inet_pton(AF_INET, $0, &address) } == 1
    }

    /// The canonical text of an IPv6 address (RFC 5952, as `inet_ntop` writes it); nil when `text` is not one.
    private static func canonicalIPv6(_ text: Substring) -> String? {
        guard text.utf8.count <= 45, text.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") })
        else { return nil }
        var address = in6_addr()
        guard String(text).withCString({ inet_pton(AF_INET6, $0, &address) }) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return buffer.withUnsafeMutableBufferPointer { out -> String? in
            guard inet_ntop(AF_INET6, &address, out.baseAddress, socklen_t(out.count)) != nil else { return nil }
            return String(cString: out.baseAddress!)
        }
    }
}

import ObolWire

/// Why a peer-to-peer connection ended before its owner closed it. Surfaced by the handshake
/// (`P2PDialer.connect`, `IncomingPeer.handshake()`) and by a connection's inbound sequence, which
/// throws it when the pipeline closes the channel.
///
/// Only a malformed frame (PROTOCOL.md §10.1) is the peer's fault. Noise failures never are (§11.6:
/// the bytes are not authenticated until they decrypt, and a node of another network fails the
/// handshake through no misbehaviour), nor is a handshake that times out or a connection that drops.
public struct P2PError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A Noise handshake or transport message failed (`NoiseError`); not the peer's fault.
        case noise(NoiseError)
        /// A wire frame did not decode (`WireError`); the peer's fault.
        case frame(WireError)
        /// The Noise handshake did not complete within the configured time.
        case handshakeTimeout
        /// The connection closed before the Noise handshake completed.
        case closedDuringHandshake
        /// The responder's static key is not the node id the dialer asked for.
        case unexpectedNodeID
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// Whether the peer should be discouraged for it (a malformed frame only).
    public var isPeerFault: Bool {
        if case .frame = kind { return true }
        return false
    }

    /// A short code for logs.
    public var code: String {
        switch kind {
        case .noise: "noise"
        case let .frame(error): "frame-\(error.code)"
        case .handshakeTimeout: "handshake-timeout"
        case .closedDuringHandshake: "closed-during-handshake"
        case .unexpectedNodeID: "unexpected-node-id"
        }
    }

    public var description: String {
        let fault = isPeerFault ? "peer at fault" : "not the peer's fault"
        return switch kind {
        case let .noise(error): "\(code): \(error) (\(fault))"
        case let .frame(error): "\(code): \(error) (\(fault))"
        default: "\(code) (\(fault))"
        }
    }
}

import ObolAPI
import ObolAPIModels
import ObolCore
import ObolP2P
import ObolTracker
import ObolWire

/// The tracker's HTTP routes over a `TrackerService`.
public struct TrackerAPIBackend: TrackerBackend {
    public let service: TrackerService

    public init(service: TrackerService) {
        self.service = service
    }

    public var info: TrackerInfoResponse { service.info }

    public func submit(_ action: String, _ request: TrackerRequest) async throws(TrackerRefusal) {
        guard let action = TrackerAction(rawValue: action) else {
            throw TrackerRefusal(.invalid, code: "invalid-request", message: "unknown action \(action)")
        }
        do {
            try await service.handle(action, request)
        } catch {
            let kind: TrackerRefusal.Kind = switch error.code {
            case .invalidRequest, .wrongNetwork: .invalid
            case .badProof, .staleTimestamp: .unauthorized
            case .unverifiedAddress: .forbidden
            case .unknownNode: .unknown
            case .full: .full
            case .rateLimited: .tooMany
            }
            throw TrackerRefusal(kind, code: error.code.rawValue, message: error.message)
        }
    }

    public func peers(count: Int, excluding: String?) async -> [String] {
        await service.peers(count: count, excluding: excluding).map(\.description)
    }
}

/// Checks a registered address by dialling it: the Noise handshake must end with the node's own static key.
/// A node on another network fails the handshake (the prologue names the network), so it is refused too.
public struct NoiseDialBack: TrackerAddressVerifier {
    let transport: TCPPeerTransport

    public init(params: ChainParams, key: NoiseKeyPair) {
        var configuration = P2PConfiguration(params: params, staticKey: key)
        configuration.handshakeTimeout = .seconds(5)
        transport = TCPPeerTransport(configuration: configuration)
    }

    public func verify(_ endpoint: PeerEndpoint, nodeID: [UInt8]) async -> Bool {
        guard let link = try? await transport.connect(to: endpoint) else { return false }
        await link.close()
        return link.nodeID == nodeID
    }
}

import ObolAPIModels
import ObolCore
import ObolWire

/// Checks that a node really listens where it registers: something at `endpoint` completes a handshake with
/// the static key `nodeID`. `obol tracker` dials back over Noise; tests may answer as they like.
public protocol TrackerAddressVerifier: Sendable {
    func verify(_ endpoint: PeerEndpoint, nodeID: [UInt8]) async -> Bool
}

/// The tracker of `obol tracker`: the registry behind its HTTP routes, with the checks every request passes.
///
/// A request is refused unless its network is the tracker's, its timestamp is within `maxClockSkew` of the
/// tracker's clock and later than the node's last, and its proof matches its node id (`TrackerProof`). A
/// `register` for a new address is refused unless the verifier reaches the node's key there, so nobody can
/// list an address they do not control; those dial-backs are rate-limited per host (`DialBackBudget`), so the
/// tracker cannot be made to dial a victim at will. Entries past three missed heartbeats are dropped on each
/// request.
public actor TrackerService {
    public nonisolated let network: UInt32
    public nonisolated let key: NoiseKeyPair
    public nonisolated let maxPeers: Int
    public nonisolated let maxClockSkew: UInt64
    public nonisolated let heartbeatInterval: UInt64
    private var registry: TrackerRegistry
    private var dialBacks: DialBackBudget
    private let verifier: (any TrackerAddressVerifier)?
    private let now: @Sendable () -> UInt64
    private var rng: any RandomNumberGenerator & Sendable

    /// - Parameters:
    ///   - verifier: dials registered addresses back; nil trusts them (tests only).
    ///   - now: the clock, seconds since the Unix epoch.
    public init(network: UInt32, key: NoiseKeyPair = NoiseKeyPair(), heartbeatInterval: UInt64 = 30,
                capacity: Int = 10_000, maxPeers: Int = 50, maxClockSkew: UInt64 = 120,
                verifier: (any TrackerAddressVerifier)?, now: @escaping @Sendable () -> UInt64,
                dialBackBurst: Int = 3, dialBackRefillSeconds: UInt64 = 20,
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.network = network
        self.key = key
        self.maxPeers = max(1, maxPeers)
        self.maxClockSkew = maxClockSkew
        self.heartbeatInterval = max(1, heartbeatInterval)
        registry = TrackerRegistry(heartbeatInterval: heartbeatInterval, capacity: capacity, replayWindow: maxClockSkew)
        self.verifier = verifier
        dialBacks = DialBackBudget(burst: dialBackBurst, refillSeconds: dialBackRefillSeconds)
        self.now = now
        rng = random
    }

    public nonisolated var info: TrackerInfoResponse {
        TrackerInfoResponse(publicKey: Hex.encode(key.publicKey), network: network,
                            heartbeatSeconds: heartbeatInterval, maxPeers: maxPeers)
    }

    /// Nodes listed now.
    public var count: Int { registry.count }

    /// The address listed for a node id (hex).
    public func endpoint(of nodeID: String) -> PeerEndpoint? { registry.endpoint(of: nodeID) }

    /// Carries out `action` for `request`, or says why not.
    public func handle(_ action: TrackerAction, _ request: TrackerRequest) async throws(TrackerError) {
        let (nodeID, endpoint) = try check(action, request)
        switch action {
        case .register:
            if registry.endpoint(of: request.nodeId) != endpoint, let verifier {
                switch dialBacks.start(dialing: endpoint.host, now: now()) {
                case .hostRateLimited?:
                    throw TrackerError(.rateLimited, "\(endpoint.host) was dialled back too often lately: try again later")
                case .busy?:
                    throw TrackerError(.rateLimited, "too many registrations are being checked: try again later")
                case nil:
                    break
                }
                let verified = await verifier.verify(endpoint, nodeID: nodeID)
                dialBacks.finished()
                guard verified else {
                    throw TrackerError(.unverifiedAddress, "no node with this key answered at \(endpoint)")
                }
                // The registry may have moved during the dial: check the request against it again.
                _ = try check(action, request)
            }
            try registry.register(request.nodeId, at: endpoint, timestamp: request.timestamp, now: now())
        case .heartbeat:
            try registry.heartbeat(request.nodeId, timestamp: request.timestamp, now: now())
        case .leave:
            try registry.leave(request.nodeId, timestamp: request.timestamp, now: now())
        }
    }

    /// At most `count` (and `maxPeers`) listed addresses in random order, leaving out `excluding` (a node id).
    public func peers(count: Int, excluding: String? = nil) -> [PeerEndpoint] {
        registry.expire(now: now())
        return registry.peers(count: min(count, maxPeers), excluding: excluding, using: &rng)
    }

    /// The checks every request passes before it touches the registry (which is expired first).
    private func check(_ action: TrackerAction, _ request: TrackerRequest) throws(TrackerError) -> ([UInt8], PeerEndpoint) {
        let time = now()
        registry.expire(now: time)
        guard let nodeID = Hex.decode(request.nodeId), nodeID.count == NoiseKeyPair.keyLength,
              request.nodeId == request.nodeId.lowercased()
        else { throw TrackerError(.invalidRequest, "nodeId must be 64 lowercase hex digits") }
        guard let endpoint = PeerEndpoint(request.address), (1...65_535).contains(endpoint.port),
              !endpoint.host.isEmpty
        else { throw TrackerError(.invalidRequest, "address must be HOST:PORT") }
        guard request.network == network else {
            throw TrackerError(.wrongNetwork, "this tracker lists network \(network), not \(request.network)")
        }
        let skew = time > request.timestamp ? time - request.timestamp : request.timestamp - time
        guard skew <= maxClockSkew else {
            throw TrackerError(.staleTimestamp, "timestamp \(request.timestamp) is \(skew) s from the tracker's clock")
        }
        guard TrackerProof.isValid(request, for: action, trackerKey: key) else {
            throw TrackerError(.badProof, "the proof does not match node \(request.nodeId.prefix(16))")
        }
        return (nodeID, endpoint)
    }
}

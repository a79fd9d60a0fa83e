import ObolAPI
import ObolCore
import ObolNode
import ObolWire

// The peer routes over the node's `PeerManager` (none for a node without a transport).
extension NodeAPIBackend {
    public func peers() async -> [PeerRecord] {
        await node.peers?.peers().map(PeerRecord.init) ?? []
    }

    public func connectPeer(host: String, port: Int) async throws(PeerRefusal) -> PeerRecord {
        guard let peers = node.peers else { throw Self.noPeerLayer }
        do {
            return PeerRecord(try await peers.connect(to: PeerEndpoint(host: host, port: port)))
        } catch {
            throw PeerRefusal(error)
        }
    }

    public func bans() async -> [BanRecord] {
        await node.peers?.bans().map { BanRecord(host: $0.host, until: $0.until, reason: $0.reason) } ?? []
    }

    public func ban(host: String, duration: UInt64, reason: String) async throws(PeerRefusal) -> BanRecord {
        guard let peers = node.peers else { throw Self.noPeerLayer }
        guard let ban = await peers.ban(host: host, for: duration, reason: reason) else {
            throw PeerRefusal(.noFreeSlot, "the ban list is full, or '\(host)' is not a host")
        }
        return BanRecord(host: ban.host, until: ban.until, reason: ban.reason)
    }

    public func unban(host: String) async -> Bool {
        await node.peers?.unban(host: host) ?? false
    }

    public func discouraged() async -> [DiscouragedRecord] {
        await node.peers?.discouragements().map { DiscouragedRecord(host: $0.host, reason: $0.reason, since: $0.since) } ?? []
    }

    private static var noPeerLayer: PeerRefusal { PeerRefusal(.notRunning, "this node has no peer layer") }
}

extension PeerRecord {
    init(_ peer: PeerSummary) {
        let direction: Direction = switch peer.direction {
        case .inbound: .inbound
        case .outbound: .outbound
        }
        self.init(id: peer.id, nodeID: peer.nodeID, address: peer.address.description, direction: direction,
                  height: peer.height, work: peer.work,
                  connectedSince: peer.connectedSince, bytesSent: peer.bytesSent, bytesReceived: peer.bytesReceived,
                  pingMs: peer.pingMs, userAgent: peer.userAgent, established: peer.established, isStatic: peer.isStatic)
    }
}

extension PeerRefusal {
    init(_ error: PeerConnectError) {
        let code: Code = switch error.code {
        case .banned: .banned
        case .discouraged: .discouraged
        case .selfConnection: .selfConnection
        case .duplicate: .duplicate
        case .full: .noFreeSlot
        case .unreachable: .unreachable
        case .notRunning: .notRunning
        }
        self.init(code, error.message)
    }
}

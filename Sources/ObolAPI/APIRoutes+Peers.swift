import Foundation
import Hummingbird
import ObolAPIModels

// The peer routes: the peer table, manual connections and bans.
extension APIRoutes {
    // MARK: GET /peers

    func peers() async -> Response {
        JSONResponse.make(PeerListResponse(peers: await backend.peers().map(PeerResponse.init)))
    }

    // MARK: POST /peers

    /// 201 with the new peer; 400 for a malformed address, and the refusal's
    /// status (`APIError.refused`) when the node does not connect.
    func connectPeer(_ request: Request) async throws(APIError) -> Response {
        let body = try await RequestParsing.json(request, as: ConnectPeerRequest.self, limit: options.maxBodySize)
        let address = try RequestParsing.peerAddress(body.address)
        guard let port = address.port else {
            throw .badRequest("invalid-peer-address", "\"\(RequestParsing.clip(body.address))\" has no port: "
                + "write HOST:PORT, or [IPv6]:PORT for IPv6")
        }
        do {
            return JSONResponse.make(PeerResponse(try await backend.connectPeer(host: address.host, port: port)),
                                     status: .created)
        } catch {
            throw .refused(error)
        }
    }

    // MARK: GET /peers/bans

    func bans() async -> Response {
        JSONResponse.make(PeerBanListResponse(bans: await backend.bans().map(PeerBanResponse.init)))
    }

    // MARK: GET /peers/discouraged

    func discouraged() async -> Response {
        JSONResponse.make(DiscouragedPeerListResponse(discouraged: await backend.discouraged().map {
            DiscouragedPeerResponse(host: $0.host, reason: $0.reason, since: $0.since)
        }))
    }

    // MARK: POST /peers/bans

    /// 201 with the ban (which replaces one already on the host).
    func ban(_ request: Request) async throws(APIError) -> Response {
        let body = try await RequestParsing.json(request, as: BanPeerRequest.self, limit: options.maxBodySize)
        let host = try RequestParsing.peerAddress(body.address).host
        let duration = body.duration ?? BanPeerRequest.defaultDuration
        guard (1...BanPeerRequest.maxDuration).contains(duration) else {
            throw .badRequest("invalid-duration",
                              "duration must be from 1 to \(BanPeerRequest.maxDuration) seconds (10 years), got \(duration)")
        }
        let reason = body.reason ?? ""
        guard reason.unicodeScalars.count <= BanPeerRequest.maxReasonLength else {
            throw .badRequest("invalid-reason", "reason is longer than \(BanPeerRequest.maxReasonLength) characters")
        }
        guard !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("invalid-reason", "reason contains a control character")
        }
        do {
            return JSONResponse.make(PeerBanResponse(try await backend.ban(host: host, duration: duration, reason: reason)),
                                     status: .created)
        } catch {
            throw .refused(error)
        }
    }

    // MARK: DELETE /peers/bans/{address}

    /// 204 once the ban is lifted; 404 when the host is not banned.
    func unban(_ text: String) async throws(APIError) -> Response {
        guard let decoded = text.removingPercentEncoding else {
            throw .badRequest("invalid-peer-address", "\"\(RequestParsing.clip(text))\" is not valid percent-encoding")
        }
        let host = try RequestParsing.peerAddress(decoded).host
        guard await backend.unban(host: host) else { throw .notFound("\(host) is not banned") }
        return Response(status: .noContent)
    }
}

extension RequestParsing {
    static func peerAddress(_ text: String) throws(APIError) -> PeerAddress {
        do {
            return try PeerAddress(text)
        } catch {
            throw .invalid(error)
        }
    }
}

extension PeerResponse {
    init(_ peer: PeerRecord) {
        let direction: Direction = switch peer.direction {
        case .inbound: .inbound
        case .outbound: .outbound
        }
        self.init(id: peer.id, nodeID: peer.nodeID, address: peer.address, direction: direction, height: peer.height,
                  work: peer.work,
                  connectedSince: peer.connectedSince, bytesSent: peer.bytesSent, bytesReceived: peer.bytesReceived,
                  // JSON has no NaN or infinity: an unmeasurable ping is left out rather than failing the listing.
                  pingMs: peer.pingMs.flatMap { $0.isFinite ? $0 : nil }, userAgent: peer.userAgent,
                  established: peer.established, isStatic: peer.isStatic)
    }
}

extension PeerBanResponse {
    init(_ ban: BanRecord) {
        self.init(host: ban.host, until: ban.until, reason: ban.reason)
    }
}

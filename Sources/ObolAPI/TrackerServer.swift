import Hummingbird
import HummingbirdCore
import Logging
import ObolAPIModels
import ServiceLifecycle

/// What the tracker's routes need: the `TrackerService` of ObolTracker, adapted in the `Obol` module.
public protocol TrackerBackend: Sendable {
    var info: TrackerInfoResponse { get }
    /// Carries out `action` ("register", "heartbeat" or "leave"), or throws why not.
    func submit(_ action: String, _ request: TrackerRequest) async throws(TrackerRefusal)
    /// At most `count` listed addresses in random order, leaving out the node `excluding` (its id).
    func peers(count: Int, excluding: String?) async -> [String]
}

/// A refused tracker request; `APIError.tracker` gives its status.
public struct TrackerRefusal: Error, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Malformed, or for another network (400).
        case invalid
        /// The proof does not match the node id, or the timestamp is not fresh (401).
        case unauthorized
        /// Nothing with the node's key answered at the address (403).
        case forbidden
        /// The node is not listed (404).
        case unknown
        /// The tracker is full (503).
        case full
        /// Too many requests of this kind lately (429).
        case tooMany
    }

    public var kind: Kind
    public var code: String
    public var message: String

    public init(_ kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}

extension APIError {
    static func tracker(_ refusal: TrackerRefusal) -> APIError {
        let status: HTTPResponse.Status = switch refusal.kind {
        case .invalid: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .unknown: .notFound
        case .full: .serviceUnavailable
        case .tooMany: .tooManyRequests
        }
        return APIError(status: status, code: refusal.code, message: refusal.message)
    }
}

/// The tracker's routes (docs/openapi.yaml, tag `tracker`):
///
/// | route | answer |
/// |---|---|
/// | `GET /tracker` | `TrackerInfoResponse` |
/// | `POST /tracker/register`, `/tracker/heartbeat`, `/tracker/leave` | 204, or the refusal's status |
/// | `GET /tracker/peers?count=&exclude=` | `TrackerPeersResponse` |
public func buildTrackerRouter(backend: some TrackerBackend, maxBodySize: Int = 4_096) -> Router<BasicRequestContext> {
    var table = RouteTable()
    table.add(.get, "/tracker")
    table.add(.get, "/tracker/peers", query: ["count", "exclude"])
    for action in ["register", "heartbeat", "leave"] { table.add(.post, "/tracker/\(action)") }
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: JSONErrorMiddleware(routes: table))
    router.get("/tracker") { _, _ in JSONResponse.make(backend.info) }
    for action in ["register", "heartbeat", "leave"] {
        router.post("/tracker/\(action)") { request, _ throws(APIError) -> Response in
            let body = try await RequestParsing.json(request, as: TrackerRequest.self, limit: maxBodySize)
            do throws(TrackerRefusal) { try await backend.submit(action, body) } catch { throw .tracker(error) }
            return Response(status: .noContent)
        }
    }
    router.get("/tracker/peers") { request, _ throws(APIError) -> Response in
        let maxPeers = backend.info.maxPeers
        let count = try RequestParsing.uint(request, "count").map { Int(min($0, UInt64(maxPeers))) } ?? maxPeers
        let exclude = request.uri.queryParameters["exclude"].map(String.init)
        return JSONResponse.make(TrackerPeersResponse(peers: await backend.peers(count: count, excluding: exclude)))
    }
    return router
}

/// `obol tracker` as a swift-service-lifecycle `Service`.
public struct TrackerServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameter port: 0 picks a free port, which `onListening` reports.
    public init(backend: some TrackerBackend, host: String = "127.0.0.1", port: Int, logger: Logger = Logger(label: "obol.tracker"),
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        application = Application(
            router: buildTrackerRouter(backend: backend),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "obol-tracker",
                availableConnectionsDelegate: MaximumAvailableConnections(256)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    public func run() async throws {
        try await application.runUntilCancelled()
    }
}

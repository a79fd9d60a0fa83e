import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ObolAPIModels
import ObolCore
import ObolNode
import ObolWire

/// A tracker refused a request or could not be reached.
public struct TrackerClientError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// The node's side of `obol tracker` (`--tracker http://HOST:PORT`): a `PeerDirectory` over the tracker's
/// HTTP API. Each request is proven with the node's static key (`TrackerProof`) and carries a timestamp later
/// than the one before.
public actor TrackerClient: PeerDirectory {
    public nonisolated let baseURL: URL
    private let nodeKey: NoiseKeyPair
    private let network: UInt32
    private let now: @Sendable () -> UInt64
    private let session: URLSession
    private var trackerKey: [UInt8]?
    private var lastTimestamp: UInt64 = 0

    /// - Parameters:
    ///   - url: `http://HOST:PORT` of the tracker.
    ///   - nodeKey: the node's static key (its node id).
    ///   - now: seconds since the Unix epoch.
    public init(url: String, nodeKey: NoiseKeyPair, network: UInt32, timeout: TimeInterval = 5,
                now: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }) throws(TrackerClientError) {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        guard let parsed = URL(string: text), parsed.scheme?.lowercased() == "http" || parsed.scheme?.lowercased() == "https",
              let host = parsed.host, !host.isEmpty
        else { throw TrackerClientError("invalid tracker URL \"\(url)\": expected http://HOST:PORT") }
        baseURL = parsed
        self.nodeKey = nodeKey
        self.network = network
        self.now = now
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    public func register(listen: PeerEndpoint) async throws -> Duration {
        let info: TrackerInfoResponse = try decode(try await send(URLRequest(url: url("tracker"))))
        guard info.network == network else {
            throw TrackerClientError("the tracker lists network \(info.network), not ours (\(network))")
        }
        guard let key = Hex.decode(info.publicKey), key.count == NoiseKeyPair.keyLength else {
            throw TrackerClientError("the tracker's public key is malformed")
        }
        trackerKey = key
        _ = try await send(try post(.register, listen: listen))
        return .seconds(max(1, info.heartbeatSeconds))
    }

    public func heartbeat(listen: PeerEndpoint) async throws {
        _ = try await send(try post(.heartbeat, listen: listen))
    }

    public func peers(count: Int) async throws -> [PeerEndpoint] {
        var components = URLComponents(url: url("tracker", "peers"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "count", value: String(max(0, count))),
                                 URLQueryItem(name: "exclude", value: Hex.encode(nodeKey.publicKey))]
        let reply: TrackerPeersResponse = try decode(try await send(URLRequest(url: components.url!)))
        return reply.peers.prefix(max(0, count)).compactMap { PeerEndpoint($0) }
    }

    /// Sent whether or not the calling task is cancelled (the node is stopping), within the timeout.
    public func leave(listen: PeerEndpoint) async {
        guard let request = try? post(.leave, listen: listen) else { return }
        let session = session
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            session.dataTask(with: request) { _, _, _ in done.resume() }.resume()
        }
    }

    // MARK: Requests

    private func post(_ action: TrackerAction, listen: PeerEndpoint) throws -> URLRequest {
        guard let trackerKey else { throw TrackerClientError("not registered with the tracker") }
        let timestamp = max(now(), lastTimestamp + 1)
        lastTimestamp = timestamp
        let body = try TrackerProof.request(action, address: listen, network: network, timestamp: timestamp,
                                            nodeKey: nodeKey, trackerKey: trackerKey)
        var request = URLRequest(url: url("tracker", action.rawValue))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(body)
        return request
    }

    private nonisolated func url(_ components: String...) -> URL {
        components.reduce(baseURL) { $0.appendingPathComponent($1) }
    }

    private func send(_ request: URLRequest) async throws -> Data {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw TrackerClientError("cannot reach the tracker at \(baseURL): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let reason = (try? JSONDecoder().decode(ErrorResponse.self, from: data)).map { "\($0.error.code): \($0.error.message)" }
            throw TrackerClientError("the tracker answered \(status)\(reason.map { ", \($0)" } ?? "")")
        }
        return data
    }

    private func decode<Value: Decodable>(_ data: Data) throws -> Value {
        do { return try JSONDecoder().decode(Value.self, from: data) } catch {
            throw TrackerClientError("the tracker's answer is malformed: \(error)")
        }
    }
}

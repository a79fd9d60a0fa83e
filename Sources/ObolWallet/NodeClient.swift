import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ObolCore

/// The wallet's HTTP client for a node's API. Every failure is a
/// `WalletError` with one line: an unreachable node says so with its URL, a
/// refused transfer carries the node's reason (such as `bad-nonce: …`).
public struct NodeClient: Sendable {
    public static let defaultURL = "http://127.0.0.1:8080"

    /// The node's base URL, without a trailing slash.
    public let baseURL: URL
    private let configuration: URLSessionConfiguration
    /// The largest reply read (the node's largest, a block list, is far below it).
    public let maxReplyBytes: Int

    /// - Parameter url: `http://host:port` (an `https` URL works too).
    public init(url: String, timeout: TimeInterval = 10, maxReplyBytes: Int = 16 << 20) throws(WalletError) {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
        else {
            throw WalletError(code: "invalid-url", message: "invalid node URL \"\(url)\": expected http://HOST:PORT")
        }
        baseURL = parsed
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        self.configuration = configuration
        self.maxReplyBytes = maxReplyBytes
    }

    /// `GET /status`.
    public func status() async throws(WalletError) -> StatusResponse {
        try await send(URLRequest(url: url("status")))
    }

    /// `GET /accounts/{address}`.
    public func account(_ address: Address) async throws(WalletError) -> AccountResponse {
        try await send(URLRequest(url: url("accounts", address.description)))
    }

    /// `POST /transactions` with the transfer's raw encoding.
    public func submit(_ transfer: Transfer) async throws(WalletError) -> SubmitTransactionResponse {
        var request = URLRequest(url: url("transactions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        guard let body = try? JSONEncoder().encode(SubmitTransactionRequest(raw: transfer)) else {
            throw WalletError(code: "internal", message: "could not encode the transfer")
        }
        request.httpBody = body
        return try await send(request)
    }

    private func url(_ components: String...) -> URL {
        components.reduce(baseURL) { $0.appendingPathComponent($1) }
    }

    private func send<Answer: Decodable>(_ request: URLRequest) async throws(WalletError) -> Answer {
        var request = request
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let data: Data
        let response: URLResponse
        switch await CappedDownload.run(request, configuration: configuration, limit: maxReplyBytes) {
        case let .reply(body, answer):
            (data, response) = (body, answer)
        case .tooLarge:
            throw WalletError(code: "bad-response", message: "node at \(baseURL.absoluteString) sent a reply of more "
                              + "than \(maxReplyBytes) bytes; it is not an Obol node, or it misbehaves")
        case let .failed(error):
            throw WalletError(code: "unreachable", message: "cannot reach node at \(baseURL.absoluteString): \(Self.reason(error))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw WalletError(code: "bad-response", message: "node at \(baseURL.absoluteString) did not answer over HTTP")
        }
        guard (200..<300).contains(http.statusCode) else {
            if let answer = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                throw WalletError(code: answer.error.code, message: answer.error.message)
            }
            throw WalletError(code: "http-\(http.statusCode)",
                              message: "node at \(baseURL.absoluteString) answered HTTP \(http.statusCode)")
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw WalletError(code: "bad-response",
                              message: "node at \(baseURL.absoluteString) sent an answer this wallet does not understand")
        }
    }

    /// One line for a transport error.
    private static func reason(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .cannotConnectToHost: return "connection refused"
            case .timedOut: return "timed out"
            case .cannotFindHost: return "unknown host"
            case .networkConnectionLost: return "connection lost"
            default: break
            }
        }
        let text = error.localizedDescription
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    }
}

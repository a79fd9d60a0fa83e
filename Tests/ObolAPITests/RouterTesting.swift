import Foundation
import Hummingbird
import HummingbirdTesting
import ObolAPI
import ObolAPIModels

/// Runs `body` against the router over `backend` (with `wallet` behind the `/wallet` routes), in
/// process (no socket).
func withRouter(_ backend: FakeBackend = FakeBackend(), options: APIOptions = .init(), wallet: NodeWallet? = nil,
                _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let app = Application(router: buildRouter(backend: backend, options: options, wallet: wallet))
    try await app.test(.router, body)
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func post(_ uri: String, json: String, headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func post(_ uri: String, encoding value: some Encodable) async throws -> TestResponse {
        let data = try JSONEncoder().encode(value)
        return try await post(uri, json: String(decoding: data, as: UTF8.self))
    }
}

extension TestResponse {
    func decode<T: Decodable>(_: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// The `error.code` of a JSON error body, nil when the body is not one.
    var errorCode: String? { (try? decode(ErrorResponse.self))?.error.code }
    var errorMessage: String? { (try? decode(ErrorResponse.self))?.error.message }
    var text: String { String(buffer: body) }
}

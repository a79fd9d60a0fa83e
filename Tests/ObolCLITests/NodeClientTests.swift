import Foundation
import ObolCore
import ObolWallet
import Testing

@Suite(.timeLimit(.minutes(1))) struct NodeClientTests {
    @Test(.timeLimit(.minutes(1)))
    func unreachableNodeIsOneClearLine() async throws {
        let port = try LoopbackHTTPStub.closedPort()
        let client = try NodeClient(url: "http://127.0.0.1:\(port)")
        let error = await #expect(throws: WalletError.self) { try await client.status() }
        #expect(error?.code == "unreachable")
        #expect(error?.message.hasPrefix("cannot reach node at http://127.0.0.1:\(port): ") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test(arguments: ["", "127.0.0.1:8080", "ftp://127.0.0.1", "http://", "not a url"])
    func rejectsURLsThatAreNotHTTP(url: String) {
        let error = #expect(throws: WalletError.self) { try NodeClient(url: url) }
        #expect(error?.code == "invalid-url")
    }

    @Test func acceptsATrailingSlash() throws {
        let client = try NodeClient(url: "http://127.0.0.1:8080/")
        #expect(client.baseURL.absoluteString == "http://127.0.0.1:8080")
    }

    @Test(.timeLimit(.minutes(1)))
    func refusedTransferCarriesTheNodesReason() async throws {
        let reason = "bad-nonce: transaction 00 has nonce 3, account expects 2"
        let stub = try LoopbackHTTPStub(status: 422, body: #"{"error":{"code":"bad-nonce","message":"\#(reason)"}}"#)
        let client = try NodeClient(url: "http://127.0.0.1:\(stub.port)")
        let key = PrivateKey.generate()
        let transfer = Transfer.signed(by: key, networkID: 1, to: key.publicKey.address, amount: 1, fee: 1_000, nonce: 3)
        let error = await #expect(throws: WalletError.self) { try await client.submit(transfer) }
        #expect(error?.code == "bad-nonce")
        #expect(error?.message == reason)
    }

    @Test(.timeLimit(.minutes(1)))
    func decodesStatus() async throws {
        let status = StatusResponse(network: "devnet", networkID: 7, height: 12, tip: .zero, work: .one, target: .max,
                                    hashRate: 2.5, peers: 1, mempoolSize: 0, minimumFee: 1_000)
        let body = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        let stub = try LoopbackHTTPStub(status: 200, body: body)
        let client = try NodeClient(url: "http://127.0.0.1:\(stub.port)")
        #expect(try await client.status() == status)
    }

    /// A reply longer than the cap is refused, whether its length is declared up front or only seen as it
    /// streams in: the wallet never holds more than the cap.
    @Test(.timeLimit(.minutes(1)), arguments: [true, false])
    func aReplyOverTheCapIsRefused(declared: Bool) async throws {
        let stub = try LoopbackHTTPStub(status: 200, body: String(repeating: " ", count: 200_000) + "{}",
                                        declaresLength: declared)
        let client = try NodeClient(url: "http://127.0.0.1:\(stub.port)", maxReplyBytes: 50_000)
        let error = await #expect(throws: WalletError.self) { try await client.status() }
        #expect(error?.code == "bad-response")
        #expect(error?.message.contains("more than 50000 bytes") == true, "\(String(describing: error))")
    }

    @Test(.timeLimit(.minutes(1)))
    func nonJSONErrorsNameTheStatus() async throws {
        let stub = try LoopbackHTTPStub(status: 502, body: "gateway trouble")
        let client = try NodeClient(url: "http://127.0.0.1:\(stub.port)")
        let error = await #expect(throws: WalletError.self) {
            try await client.account(PrivateKey.generate().publicKey.address)
        }
        #expect(error?.code == "http-502")
        #expect(error?.message == "node at http://127.0.0.1:\(stub.port) answered HTTP 502")
    }

    @Test(.timeLimit(.minutes(1)))
    func unexpectedJSONIsABadResponse() async throws {
        let stub = try LoopbackHTTPStub(status: 200, body: #"{"hello":"world"}"#)
        let client = try NodeClient(url: "http://127.0.0.1:\(stub.port)")
        let error = await #expect(throws: WalletError.self) { try await client.status() }
        #expect(error?.code == "bad-response")
    }
}

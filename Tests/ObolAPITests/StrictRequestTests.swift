import Foundation
import Hummingbird
import HummingbirdTesting
import ObolAPIModels
import ObolCore
import Testing

/// What a hostile client found: methods, HEAD, and request bodies and queries read exactly as
/// `docs/openapi.yaml` says.
@Suite(.timeLimit(.minutes(1))) struct StrictRequestTests {
    let fixture = ChainFixture.shared

    @Test(arguments: [
        ("/status", HTTPRequest.Method.delete, "GET, HEAD"),
        ("/transactions", .get, "POST"),
        ("/transactions", .put, "POST"),
        ("/peers", .delete, "GET, HEAD, POST"),
        ("/peers/bans/10.0.0.66", .get, "DELETE"),
        ("/blocks/2", .post, "GET, HEAD"),
    ])
    func wrongMethodIs405WithAllow(path: String, method: HTTPRequest.Method, allow: String) async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: path, method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(response.errorCode == "method-not-allowed")
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test func unknownPathIsStill404() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/nowhere", method: .delete)
            #expect(response.status == .notFound)
            #expect(response.headers[.allow] == nil)
        }
    }

    @Test(arguments: ["/status", "/blocks?limit=2", "/blocks/1", "/mempool", "/peers", "/peers/bans", "/"])
    func headAnswersLikeGetWithoutABody(path: String) async throws {
        try await withRouter { client in
            let get = try await client.get(path)
            let head = try await client.execute(uri: path, method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
        }
    }

    @Test func headOfAnErrorHasNoBody() async throws {
        try await withRouter { client in
            let missing = try await client.execute(uri: "/blocks/99", method: .head)
            #expect(missing.status == .notFound)
            #expect(missing.body.readableBytes == 0)
            let nowhere = try await client.execute(uri: "/nowhere", method: .head)
            #expect(nowhere.status == .notFound)
            #expect(nowhere.body.readableBytes == 0)
        }
    }

    @Test(arguments: [
        ("/transactions", #"{"raw": 12}"#, "raw: expected a string, got a number"),
        ("/transactions", #"{"amount": "5"}"#, "amount: expected an integer, got a string"),
        ("/transactions", #"{"amount": -1}"#, "amount: expected an integer from 0 to 18446744073709551615, got -1"),
        ("/transactions", #"{"amount": 18446744073709551616}"#,
         "amount: expected an integer from 0 to 18446744073709551615, got 18446744073709551616"),
        ("/transactions", #"{"networkID": 4294967296}"#, "networkID: expected an integer from 0 to 4294967295, got 4294967296"),
        ("/transactions", #"{"amount": 100.0}"#, "amount: expected an integer, got 100.0"),
        ("/transactions", #"{"fee": 1e2}"#, "fee: expected an integer, got 1e2"),
        ("/transactions", #"{"nonce": null}"#, "nonce: expected an integer, got null"),
        ("/peers", #"{"address": ["a"]}"#, "address: expected a string, got an array"),
        ("/peers/bans", #"{"address": "10.0.0.1", "duration": true}"#, "duration: expected an integer, got a boolean"),
        ("/peers/bans", #"{"address": "10.0.0.1", "duration": 60.5}"#, "duration: expected an integer, got 60.5"),
    ])
    func wrongTypedFieldIsNamed(path: String, body: String, message: String) async throws {
        try await withRouter { client in
            let response = try await client.post(path, json: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-json")
            #expect(response.errorMessage == message)
        }
    }

    @Test(arguments: ["[]", "12", #""text""#, "null", "true", "[{\"raw\": \"00\"}]"])
    func nonObjectBodyNamesNoSwiftType(body: String) async throws {
        try await withRouter { client in
            for path in ["/transactions", "/peers", "/peers/bans"] {
                let response = try await client.post(path, json: body)
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid-json")
                let message = try #require(response.errorMessage)
                #expect(message.hasPrefix("body: expected a JSON object, got "))
                #expect(!message.contains("Dictionary") && !message.contains("Array") && !message.contains("Swift"))
            }
        }
    }

    @Test func integerAmountsMustBeWrittenAsIntegers() async throws {
        let backend = FakeBackend()
        let transfer = fixture.nextFromAlice()
        let fields = try JSONEncoder().encode(SubmitTransactionRequest(fields: transfer))
        let text = String(decoding: fields, as: UTF8.self)
        let amount = #""amount":\#(transfer.amount)"#
        #expect(text.contains(amount))
        try await withRouter(backend) { client in
            for written in ["\(transfer.amount).0", "\(transfer.amount)e0"] {
                let response = try await client.post("/transactions",
                                                     json: text.replacingOccurrences(of: amount, with: #""amount":\#(written)"#))
                #expect(response.status == .badRequest)
                #expect(response.errorMessage == "amount: expected an integer, got \(written)")
            }
            #expect(try await client.post("/transactions", json: text).status == .accepted)
        }
        #expect(await backend.submitted == [transfer])
    }

    @Test(arguments: [
        ("/transactions", #"{"raw": "00", "memo": "hi"}"#, #"unknown field "memo""#),
        ("/peers", #"{"address": "127.0.0.1:9333", "port": 1, "x": 2}"#, #"unknown fields "port", "x""#),
        ("/peers/bans", #"{"address": "10.0.0.1", "until": 5}"#, #"unknown field "until""#),
    ])
    func unknownFieldsAreRefusedByName(path: String, body: String, named: String) async throws {
        try await withRouter { client in
            let response = try await client.post(path, json: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-request")
            #expect(response.errorMessage?.hasPrefix(named + "; allowed: ") == true)
        }
    }

    @Test(arguments: ["limit=+5", "limit=-1", "limit=", "limit=0", "limit=1.0", "from=-1", "from=%201", "from=0x1",
                      "order=up"])
    func badQueryValuesAre400(query: String) async throws {
        try await withRouter { client in
            let response = try await client.get("/blocks?" + query)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-parameter")
        }
    }

    @Test(arguments: [
        ("/blocks?=false", #"unknown query parameter ""; allowed: from, limit, order"#),
        ("/blocks?limit=2&page=3", #"unknown query parameter "page"; allowed: from, limit, order"#),
        ("/status?verbose=1", #"unknown query parameter "verbose"; this route takes none"#),
    ])
    func unknownQueryParametersAre400(uri: String, message: String) async throws {
        try await withRouter { client in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-parameter")
            #expect(response.errorMessage == message)
            let head = try await client.execute(uri: uri, method: .head)
            #expect(head.status == .badRequest)
        }
    }

    @Test func hugeLimitsAreCappedAndHeightsPastTheTipClamp() async throws {
        try await withRouter { client in
            let huge = "99999999999999999999999999"
            let capped: BlockListResponse = try await client.get("/blocks?limit=\(huge)").decode()
            #expect(capped.blocks.map(\.height) == [2, 1, 0])
            let fromTip: BlockListResponse = try await client.get("/blocks?from=\(huge)&limit=2").decode()
            #expect(fromTip.blocks.map(\.height) == [2, 1])
            let past: BlockListResponse = try await client.get("/blocks?order=asc&from=\(huge)").decode()
            #expect(past.blocks.isEmpty && past.next == nil)
            let account = try await client.get("/accounts/\(fixture.aliceAddress)?limit=\(huge)")
            #expect(account.status == .ok)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct SubmitRouteTests {
    let fixture = ChainFixture.shared

    @Test func acceptsRawTransferWith202() async throws {
        let backend = FakeBackend()
        let transfer = fixture.nextFromAlice()
        try await withRouter(backend) { client in
            let response = try await client.post("/transactions", encoding: SubmitTransactionRequest(raw: transfer))
            #expect(response.status == .accepted)
            let answer: SubmitTransactionResponse = try response.decode()
            #expect(answer.txid == transfer.id)
            #expect(answer.status == .accepted)
            #expect(response.text.contains(#""status":"accepted""#))
        }
        #expect(await backend.submitted == [transfer])
    }

    @Test func acceptsTheFieldForm() async throws {
        let backend = FakeBackend()
        let transfer = fixture.nextFromAlice()
        try await withRouter(backend) { client in
            let response = try await client.post("/transactions", encoding: SubmitTransactionRequest(fields: transfer))
            #expect(response.status == .accepted)
            #expect(try response.decode(SubmitTransactionResponse.self).txid == transfer.id)
        }
        #expect(await backend.submitted == [transfer])
    }

    @Test func refusedTransferIs422WithTheRule() async throws {
        let stale = fixture.nextFromAlice(nonce: 0)
        try await withRouter { client in
            let response = try await client.post("/transactions", encoding: SubmitTransactionRequest(raw: stale))
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "bad-nonce")
            #expect(response.errorMessage?.hasPrefix("bad-nonce: transaction \(stale.id) has nonce 0") == true)
        }
    }

    @Test func forgedSignatureIs422() async throws {
        let genuine = fixture.nextFromAlice()
        let forged = genuine.withSignature(fixture.payBob.signature)
        try await withRouter { client in
            let response = try await client.post("/transactions", encoding: SubmitTransactionRequest(raw: forged))
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "bad-signature")
        }
    }

    @Test(arguments: [
        ("{not json", "invalid-json"),
        ("", "invalid-json"),
        ("[]", "invalid-json"),
        (#"{"raw": 12}"#, "invalid-json"),
        (#"{"amount": -1}"#, "invalid-json"),
        ("{}", "invalid-request"),
        (#"{"raw": "zz"}"#, "invalid-hex"),
        (#"{"raw": "abc"}"#, "invalid-hex"),
        (#"{"raw": "0100"}"#, "invalid-transfer"),
        (#"{"raw": "00", "amount": 1}"#, "invalid-request"),
        (#"{"networkID": 1, "to": "obol1"}"#, "invalid-request"),
    ])
    func malformedBodiesAre400(body: String, code: String) async throws {
        try await withRouter { client in
            let response = try await client.post("/transactions", json: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
        }
    }

    @Test func fieldFormWithBadAddressIs400() async throws {
        var request = SubmitTransactionRequest(fields: fixture.nextFromAlice())
        request.to = String(request.to!.dropLast()) + (request.to!.hasSuffix("q") ? "p" : "q")
        try await withRouter { [request] client in
            let response = try await client.post("/transactions", encoding: request)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-address")
        }
    }

    @Test func fieldFormWithBadKeyOrSignatureIs400() async throws {
        var badKey = SubmitTransactionRequest(fields: fixture.nextFromAlice())
        badKey.senderKey = "04" + String(repeating: "00", count: 32)
        var badSignature = SubmitTransactionRequest(fields: fixture.nextFromAlice())
        badSignature.signature = "abcd"
        try await withRouter { [badKey, badSignature] client in
            let key = try await client.post("/transactions", encoding: badKey)
            #expect(key.status == .badRequest)
            #expect(key.errorCode == "invalid-key")
            let signature = try await client.post("/transactions", encoding: badSignature)
            #expect(signature.status == .badRequest)
            #expect(signature.errorCode == "invalid-hex")
        }
    }

    @Test func oversizeBodyIs413() async throws {
        let huge = #"{"raw": ""# + String(repeating: "00", count: 40 * 1024) + #""}"#
        try await withRouter { client in
            let response = try await client.post("/transactions", json: huge)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body-too-large")
        }
    }

    @Test func oversizeBodyWithoutContentLengthIs413() async throws {
        let backend = FakeBackend()
        // A small limit, so the in-process body crosses it while streaming.
        try await withRouter(backend, options: APIOptions(maxBodySize: 100)) { client in
            let body = #"{"raw": ""# + String(repeating: "ab", count: 100) + #""}"#
            let response = try await client.post("/transactions", json: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body-too-large")
        }
        #expect(await backend.submitted.isEmpty)
    }
}

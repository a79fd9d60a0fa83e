import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct WebWalletAndErrorTests {
    @Test func servesTheWebWalletAtRoot() async throws {
        try await withRouter { client in
            let response = try await client.get("/")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = response.text
            #expect(html.contains("<title>Obol node</title>"))
            #expect(html.contains("/status") && html.contains("/accounts/") && html.contains("/mempool"))
            #expect(html.contains(#"getJSON("/peers")"#) && html.contains(#"<table id="peers">"#))
            // Self-contained: nothing is loaded from another origin.
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        }
    }

    @Test func unknownRouteIsJSON404() async throws {
        try await withRouter { client in
            let response = try await client.get("/nowhere")
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not-found")
            #expect(response.errorMessage == "no route for GET /nowhere")
        }
    }

    @Test func wrongMethodIsAJSONError() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/status", method: .delete)
            #expect(response.status.code >= 400 && response.status.code < 500)
            #expect(response.errorCode != nil)
        }
    }

    @Test(arguments: [
        ("bad-nonce: transaction 00 has nonce 3, account expects 2", "bad-nonce"),
        ("fee-too-low", "fee-too-low"),
        ("Mempool is full", "rejected"),
        ("", "rejected"),
    ])
    func rejectionTakesItsCodeFromTheReason(reason: String, code: String) {
        let rejection = TransferRejection(reason: reason)
        #expect(rejection.code == code)
        #expect(rejection.message == reason)
    }

    @Test func rejectionFromAValidationErrorUsesTheRuleName() {
        let error = ValidationError.feeBelowMinimum(.zero, fee: 1, minimum: 1_000)
        let rejection = TransferRejection(error)
        #expect(rejection.code == "fee-too-low")
        #expect(rejection.message == error.description)
    }

    @Test func requestRoundTripsBothForms() throws {
        let transfer = ChainFixture.shared.payBob
        #expect(try SubmitTransactionRequest(raw: transfer).transfer() == transfer)
        #expect(try SubmitTransactionRequest(fields: transfer).transfer() == transfer)
    }
}

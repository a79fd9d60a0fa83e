import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct WebWalletAndErrorTests {
    func page() async throws -> String {
        let html = Mutex("")
        try await withRouter { client in
            let text = try await client.get("/").text
            html.withLock { $0 = text }
        }
        return html.withLock { $0 }
    }

    @Test func servesTheWebWalletAtRoot() async throws {
        try await withRouter { client in
            let response = try await client.get("/")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            for directive in ["default-src 'none'", "connect-src 'self'", "script-src 'unsafe-inline'",
                              "form-action 'none'", "frame-ancestors 'none'"] {
                #expect(policy.contains(directive), "CSP lacks \(directive)")
            }
            let html = response.text
            #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
            #expect(html.contains("<title>Obol node</title>"))
        }
    }

    /// Nothing comes from another origin: no URL with a scheme or a protocol-relative one, no import.
    @Test func theWebWalletIsSelfContained() async throws {
        let html = try await page()
        for pattern in ["http://", "https://", "src=\"//", "href=\"//", "@import", "url("] {
            #expect(!html.contains(pattern), "the page contains \(pattern)")
        }
        #expect(!html.contains("<script src") && !html.contains("<link"))
    }

    /// The ids the browser test (scripts/browser_test.py) drives, each once, and the routes the page reads.
    @Test func theWebWalletHasTheElementsItsBrowserTestUses() async throws {
        let html = try await page()
        let ids = ["token-input", "token-save", "token-error", "token-change", "wallet-address", "copy-address",
                   "wallet-balance", "wallet-spendable", "send-to", "send-to-error", "send-amount", "send-amount-error",
                   "send-fee", "send-fee-error", "send-data", "send-data-error", "send-review", "confirm-dialog",
                   "confirm-from", "confirm-to", "confirm-amount", "confirm-fee", "confirm-total", "confirm-nonce",
                   "confirm-network", "confirm-data", "confirm-send", "send-result", "wallet-transactions", "status",
                   "tx", "blocks", "peers", "mempool", "live-status"]
        for id in ids {
            #expect(html.components(separatedBy: "id=\"\(id)\"").count == 2, "id \(id) must appear once")
        }
        // Every form field has a label or an accessible name, and each send field names its error.
        for field in ["send-to", "send-amount", "send-fee", "send-data", "token-input"] {
            #expect(html.contains("<label for=\"\(field)\""), "\(field) has no label")
            #expect(html.contains("aria-describedby=\"\(field == "token-input" ? "token-error" : field + "-error")\""))
        }
        #expect(html.contains("<dialog id=\"confirm-dialog\""))
        for route in ["\"/wallet\"", "/wallet/send", "/wallet/transactions", "new EventSource(\"/events\")", "\"/status\"",
                      "\"/peers\"", "\"/mempool\"", "/blocks?limit=", "#tx/", "sessionStorage", "setInterval(refreshAll, 3000)"] {
            #expect(html.contains(route), "the page does not use \(route)")
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

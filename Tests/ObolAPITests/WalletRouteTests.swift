import Foundation
import Hummingbird
import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Testing

/// The node wallet's routes over the fake backend, as Alice: 10 coins received, 1.5 sent (nonce 0
/// confirmed), and a transfer of 0.25 to Bob pending at nonce 1.
@Suite(.timeLimit(.minutes(1))) struct WalletRouteTests {
    let fixture = ChainFixture.shared
    static let token = APIToken(bytes: Array(repeating: 0x5a, count: 32))
    static let auth: HTTPFields = [.authorization: "Bearer \(token.hex)"]

    var aliceWallet: NodeWallet { NodeWallet(key: fixture.alice, token: Self.token) }

    func get(_ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = WalletRouteTests.auth) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func send(_ client: any TestClientProtocol, _ json: String, headers: HTTPFields = WalletRouteTests.auth) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/wallet/send", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    // MARK: GET /wallet

    @Test func summaryHasBalanceNoncesAndPendingOutgoing() async throws {
        let params = fixture.params, fee = params.minimumFee
        try await withRouter(wallet: aliceWallet) { client in
            let response = try await get(client, "/wallet")
            #expect(response.status == .ok)
            let wallet: WalletResponse = try response.decode()
            #expect(wallet.address == fixture.aliceAddress)
            #expect(wallet.network == params.name && wallet.networkID == params.networkID)
            #expect(wallet.minimumFee == fee)
            #expect(wallet.balance == 10 * ChainParams.coin - 150_000_000 - fee)
            #expect(wallet.spendable == wallet.balance && wallet.immature == 0)
            #expect(wallet.nonce == 1 && wallet.nextNonce == 2)
            #expect(wallet.pending == WalletPending(count: 1, outgoing: 25_000_000 + 2 * fee, incoming: 0))
            #expect(response.text.contains(#""pending":{"count":1,"incoming":0,"outgoing":"#))
        }
    }

    @Test func summaryOfTheRecipientCountsIncoming() async throws {
        try await withRouter(wallet: NodeWallet(key: fixture.bob, token: Self.token)) { client in
            let wallet: WalletResponse = try await get(client, "/wallet").decode()
            #expect(wallet.nonce == 0 && wallet.nextNonce == 0)
            #expect(wallet.balance == 150_000_000)
            #expect(wallet.pending == WalletPending(count: 1, outgoing: 0, incoming: 25_000_000))
        }
    }

    // MARK: GET /wallet/transactions

    @Test func transactionsArePendingFirstThenConfirmedNewestFirst() async throws {
        try await withRouter(wallet: aliceWallet) { client in
            let list: WalletTransactionsResponse = try await get(client, "/wallet/transactions").decode()
            #expect(list.address == fixture.aliceAddress)
            #expect(list.transactions.map(\.txid) == [fixture.pending.id, fixture.payBob.id, fixture.payAlice.id])
            #expect(list.transactions.map(\.status) == [.pending, .confirmed, .confirmed])
            let one: WalletTransactionsResponse = try await get(client, "/wallet/transactions?limit=2").decode()
            #expect(one.transactions.map(\.txid) == [fixture.pending.id, fixture.payBob.id])
            for bad in ["limit=0", "limit=x", "from=1"] {
                let response = try await get(client, "/wallet/transactions?\(bad)")
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "invalid-parameter")
            }
        }
    }

    // MARK: POST /wallet/send

    @Test func sendSignsWithTheNetworkIDTheNextNonceAndTheMinimumFee() async throws {
        let backend = FakeBackend()
        let params = fixture.params
        try await withRouter(backend, wallet: aliceWallet) { client in
            let response = try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":100000000,"data":"rent ☂"}"#)
            #expect(response.status == .accepted, "\(response.text)")
            let answer: WalletSendResponse = try response.decode()
            #expect(answer.status == .accepted)
            #expect(answer.transaction.status == .pending && answer.transaction.txid == answer.txid)
            #expect(response.text.contains(#""status":"accepted""#))
        }
        let sent = try #require(await backend.submitted.last)
        #expect(await backend.submitted.count == 1)
        #expect(sent.networkID == params.networkID)
        #expect(sent.nonce == 2)
        #expect(sent.fee == params.minimumFee)
        #expect(sent.amount == ChainParams.coin && sent.recipient == fixture.bobAddress)
        #expect(sent.senderAddress == fixture.aliceAddress)
        #expect(sent.data == Array("rent ☂".utf8))
        #expect(sent.hasValidSignature)
        try TransferRules.checkSanityAndSignature(sent, params: params)
    }

    @Test func sendTakesAGivenFeeAndTheCurrentNonce() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, wallet: aliceWallet) { client in
            let response = try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":5,"fee":20000,"nonce":2}"#)
            #expect(response.status == .accepted, "\(response.text)")
        }
        let sent = try #require(await backend.submitted.last)
        #expect(sent.fee == 20_000 && sent.nonce == 2 && sent.data.isEmpty)
    }

    @Test(arguments: [1, 3])
    func aNonceOtherThanTheNextIs409(nonce: Int) async throws {
        let backend = FakeBackend()
        try await withRouter(backend, wallet: aliceWallet) { client in
            let response = try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":5,"nonce":\#(nonce)}"#)
            #expect(response.status == .conflict)
            #expect(response.errorCode == "nonce-changed")
            #expect(response.errorMessage?.contains("next nonce is now 2") == true)
        }
        #expect(await backend.submitted.isEmpty)
    }

    @Test func aRefusedTransferIs422WithTheRule() async throws {
        try await withRouter(wallet: aliceWallet) { client in
            let response = try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":\#(1_000 * ChainParams.coin)}"#)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "insufficient-balance")
        }
    }

    @Test(arguments: [
        (#"{"to":"obol1qqqq","amount":5}"#, "invalid-address"),
        (#"{"to":"BOB","amount":0}"#, "invalid-amount"),
        (#"{"to":"BOB","amount":5,"data":"\#(String(repeating: "é", count: 129))"}"#, "invalid-data"),
        (#"{"to":"BOB","amount":5,"memo":"x"}"#, "invalid-request"),
        (#"{"to":"BOB"}"#, "invalid-request"),
        (#"{"amount":5}"#, "invalid-request"),
        (#"{"to":"BOB","amount":"5"}"#, "invalid-json"),
        (#"{"to":"BOB","amount":5,"fee":-1}"#, "invalid-json"),
        (#"{"to":"BOB","amount":1.5}"#, "invalid-json"),
        ("[]", "invalid-json"),
    ])
    func malformedSendsAre400(body: String, code: String) async throws {
        let backend = FakeBackend()
        let json = body.replacingOccurrences(of: "BOB", with: fixture.bobAddress.description)
        try await withRouter(backend, wallet: aliceWallet) { client in
            let response = try await send(client, json)
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(response.errorCode == code, "\(response.text)")
        }
        #expect(await backend.submitted.isEmpty)
    }

    @Test func dataOfExactly256BytesIsSent() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, wallet: aliceWallet) { client in
            let data = String(repeating: "é", count: 128)
            let response = try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":5,"data":"\#(data)"}"#)
            #expect(response.status == .accepted, "\(response.text)")
        }
        #expect(await backend.submitted.last?.data.count == 256)
    }

    @Test func concurrentSendsGetConsecutiveNonces() async throws {
        let backend = FakeBackend()
        let bob = fixture.bobAddress
        try await withRouter(backend, wallet: aliceWallet) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for amount in 1...6 {
                    group.addTask {
                        var headers = Self.auth
                        headers[.contentType] = "application/json"
                        return try await client.execute(uri: "/wallet/send", method: .post, headers: headers,
                                                        body: ByteBuffer(string: #"{"to":"\#(bob)","amount":\#(amount)}"#)).status
                    }
                }
                for try await status in group { #expect(status == .accepted) }
            }
        }
        #expect(await backend.submitted.map(\.nonce).sorted() == Array(2...7))
    }

    // MARK: The token

    @Test func aMissingTokenIs401WithTheChallenge() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, wallet: aliceWallet) { client in
            for response in [try await get(client, "/wallet", headers: [:]),
                             try await get(client, "/wallet/transactions", headers: [:]),
                             try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":5}"#, headers: [:]),
                             try await get(client, "/wallet", headers: [.authorization: "Basic \(Self.token.hex)"])] {
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.errorCode == "unauthorized")
                #expect(response.errorMessage?.contains("missing token") == true)
                #expect(response.errorMessage?.contains("api.token") == true)
            }
        }
        #expect(await backend.submitted.isEmpty)
    }

    @Test(arguments: [
        "0000000000000000000000000000000000000000000000000000000000000000",
        String(repeating: "5a", count: 31) + "5b",  // only the last digit differs
        String(repeating: "5a", count: 31) + "5",  // one digit short
        String(repeating: "5a", count: 32) + "0",  // one digit more
        String(repeating: "5A", count: 32),  // the same bytes in capitals: not the token's text
        "",
    ])
    func aWrongTokenIs401(token: String) async throws {
        try await withRouter(wallet: aliceWallet) { client in
            let response = try await get(client, "/wallet", headers: [.authorization: "Bearer \(token)"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(response.errorCode == "unauthorized")
        }
    }

    @Test func theSchemeIsCaseInsensitive() async throws {
        try await withRouter(wallet: aliceWallet) { client in
            let response = try await get(client, "/wallet", headers: [.authorization: "bearer \(Self.token.hex)"])
            #expect(response.status == .ok)
        }
    }

    @Test func aNodeWithoutAWalletAnswers404NoWallet() async throws {
        try await withRouter { client in
            for response in [try await get(client, "/wallet"), try await get(client, "/wallet/transactions"),
                             try await send(client, #"{"to":"\#(fixture.bobAddress)","amount":5}"#)] {
                #expect(response.status == .notFound)
                #expect(response.errorCode == "no-wallet")
                #expect(response.errorMessage == "this node runs without a wallet; start it with --wallet FILE")
            }
        }
    }

    @Test func readOnlyRoutesNeedNoToken() async throws {
        try await withRouter(wallet: aliceWallet) { client in
            for uri in ["/", "/status", "/mempool", "/blocks", "/peers", "/accounts/\(fixture.aliceAddress)"] {
                let status = try await client.get(uri).status
                #expect(status == .ok, "\(uri)")
            }
        }
    }

    @Test func otherMethodsAre405WithAllow() async throws {
        try await withRouter(wallet: aliceWallet) { client in
            let wallet = try await client.execute(uri: "/wallet", method: .delete)
            #expect(wallet.status == .methodNotAllowed)
            #expect(wallet.headers[.allow] == "GET, HEAD")
            let send = try await client.execute(uri: "/wallet/send", method: .get)
            #expect(send.status == .methodNotAllowed)
            #expect(send.headers[.allow] == "POST")
        }
    }
}

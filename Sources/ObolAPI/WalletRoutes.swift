import Hummingbird
import ObolAPIModels
import ObolCore

/// The handlers of the node wallet's routes (`/wallet…`). Each first finds the wallet (404
/// `no-wallet` without one) and checks the request's bearer token (401 `unauthorized`), then reads
/// the account through the backend, or signs a transfer and offers it to the mempool.
struct WalletRoutes<Backend: NodeBackend>: Sendable {
    let backend: Backend
    let options: APIOptions
    let wallet: NodeWallet?

    /// The most `GET /wallet/transactions` lists, and its default.
    static var maxListing: Int { 100 }
    static var defaultListing: Int { 50 }

    // MARK: GET /wallet

    func summary(_ request: Request) async throws(APIError) -> Response {
        let wallet = try authorized(request)
        let params = backend.params
        let record = await backend.account(wallet.address, recentLimit: 0)
        let pending = await backend.mempool(involving: wallet.address, limit: options.maxMempoolListing)
        let account = record.account
        return JSONResponse.make(WalletResponse(
            address: wallet.address, network: params.name, networkID: params.networkID,
            minimumFee: params.minimumFee, balance: account.balance,
            spendable: record.spendable(maturity: params.coinbaseMaturity),
            nonce: account.nonce, nextNonce: record.nextNonce,
            pending: WalletPending(pending, for: wallet.address)))
    }

    // MARK: GET /wallet/transactions?limit=

    /// At most `limit` transactions: the pending ones first, then the confirmed ones newest first.
    func transactions(_ request: Request) async throws(APIError) -> Response {
        let wallet = try authorized(request)
        let limit = try RequestParsing.limit(request, default: Self.defaultListing,
                                             max: min(Self.maxListing, options.maxPageSize))
        let pending = await backend.mempool(involving: wallet.address, limit: limit).prefix(limit)
            .map { TransactionResponse(transfer: $0) }
        let room = max(0, limit - pending.count)
        let confirmed = await backend.account(wallet.address, recentLimit: room).recent.prefix(room)
            .map(TransactionResponse.init)
        return JSONResponse.make(WalletTransactionsResponse(address: wallet.address, transactions: pending + confirmed))
    }

    // MARK: POST /wallet/send

    /// Signs the payment with the wallet's next nonce and the network's id and submits it: 202 with
    /// the pending transfer, 409 `nonce-changed` when the request names another nonce, 422 with the
    /// rule when the mempool refuses it.
    func send(_ request: Request) async throws(APIError) -> Response {
        let wallet = try authorized(request)
        let body = try await RequestParsing.json(request, as: WalletSendRequest.self, limit: options.maxBodySize)
        let params = backend.params
        let payment: WalletPayment
        do {
            payment = try body.payment(minimumFee: params.minimumFee)
        } catch {
            throw .invalid(error)
        }
        let backend = self.backend
        let transfer = try await wallet.sending.withHeld { () async throws(APIError) -> Transfer in
            let record = await backend.account(wallet.address, recentLimit: 0)
            let nonce = record.nextNonce
            if let expected = body.nonce, expected != nonce {
                throw .nonceChanged(expected: expected, next: nonce)
            }
            let transfer = Transfer.signed(by: wallet.key, networkID: params.networkID, to: payment.recipient,
                                           amount: payment.amount, fee: payment.fee, nonce: nonce, data: payment.data)
            switch await backend.submit(transfer) {
            case .accepted: return transfer
            case let .rejected(rejection): throw .rejected(rejection)
            }
        }
        return JSONResponse.make(WalletSendResponse(transaction: transfer), status: .accepted)
    }

    // MARK: Access

    /// The wallet, when the request carries its token.
    private func authorized(_ request: Request) throws(APIError) -> NodeWallet {
        guard let wallet else { throw .noWallet }
        guard let presented = Self.bearerToken(request) else {
            throw .unauthorized("missing token: send the header 'Authorization: Bearer <token>'; the node writes "
                                + "the token to DATA_DIR/api.token at every start")
        }
        guard wallet.token.matches(presented.utf8) else {
            throw .unauthorized("wrong token: the node writes a new one to DATA_DIR/api.token at every start")
        }
        return wallet
    }

    /// What follows `Bearer ` (the scheme in any case) in the `Authorization` header; nil without one.
    static func bearerToken(_ request: Request) -> Substring? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].drop { $0 == " " }
    }
}

extension APIError {
    /// 401 `unauthorized`, with `WWW-Authenticate: Bearer`.
    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(status: .unauthorized, code: "unauthorized", message: message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    static var noWallet: APIError {
        APIError(status: .notFound, code: "no-wallet",
                 message: "this node runs without a wallet; start it with --wallet FILE")
    }

    static func nonceChanged(expected: UInt64, next: UInt64) -> APIError {
        APIError(status: .conflict, code: "nonce-changed",
                 message: "nonce \(expected) was asked for, but the wallet's next nonce is now \(next); "
                     + "read GET /wallet again and confirm the transfer anew")
    }
}

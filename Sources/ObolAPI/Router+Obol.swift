import Hummingbird

/// The node's HTTP routes over `backend`:
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the read-only web wallet (HTML) |
/// | `GET /events` | server-sent events: `tip`, `mempool`, `wallet` (`EventsRoute`); 503 past `options.maxEventClients` |
/// | `GET /status` | `StatusResponse` |
/// | `GET /blocks?from=&limit=&order=` | `BlockListResponse` (newest first by default) |
/// | `GET /blocks/{hash-or-height}` | `BlockResponse` |
/// | `GET /transactions/{txid}` | `TransactionResponse`, confirmed or pending |
/// | `GET /accounts/{address}?limit=` | `AccountResponse` |
/// | `GET /mempool` | `MempoolResponse` |
/// | `POST /transactions` | 202 `SubmitTransactionResponse`, or 422 with the rule that refused it |
/// | `GET /peers` | `PeerListResponse` (empty for a node without a peer layer) |
/// | `POST /peers` | 201 `PeerResponse`, or the refusal's status (403, 409, 502, 503) |
/// | `GET /peers/bans` | `PeerBanListResponse` |
/// | `POST /peers/bans` | 201 `PeerBanResponse`, or 503 without a peer layer |
/// | `DELETE /peers/bans/{address}` | 204, or 404 when the host is not banned |
/// | `GET /peers/discouraged` | `DiscouragedPeerListResponse` |
/// | `GET /metrics` | the node's metrics in the Prometheus text format (`metrics`), or 404 without it |
/// | `GET /wallet` | `WalletResponse` (token required) |
/// | `GET /wallet/transactions?limit=` | `WalletTransactionsResponse` (token required) |
/// | `POST /wallet/send` | 202 `WalletSendResponse`, 409 `nonce-changed`, or 422 with the rule (token required) |
///
/// Every GET route answers HEAD too. Every error is JSON `{"error": {"code", "message"}}`: 400 for
/// malformed input, 404 for unknown things, 405 with `Allow` for a method a known path does not serve,
/// 413 for a body over `options.maxBodySize`;
/// `APIError.refused` gives the statuses of peer refusals.
/// `docs/openapi.yaml` describes the same routes.
///
/// `metrics` exports the node's metrics for `GET /metrics` (the `Obol` module's `PrometheusMetrics.emit`).
/// `wallet` is the key the `/wallet` routes sign with and the token they require
/// (`Authorization: Bearer`; 401 `unauthorized` without it); nil answers them 404 `no-wallet`.
/// Every other route is open. `GET /events` tells of changes involving the wallet's address.
public func buildRouter(backend: some NodeBackend, options: APIOptions = .init(), wallet: NodeWallet? = nil,
                        metrics: (@Sendable () -> String)? = nil) -> Router<BasicRequestContext> {
    let routes = APIRoutes(backend: backend, options: options)
    let walletRoutes = WalletRoutes(backend: backend, options: options, wallet: wallet)
    let events = EventsRoute(backend: backend, walletAddress: wallet?.address, options: options)
    var table = RouteTable()
    func get(_ path: String) { table.add(.get, path) }
    func post(_ path: String) { table.add(.post, path) }
    for path in ["/", "/events", "/status", "/metrics", "/blocks/:id", "/transactions/:txid", "/mempool", "/peers", "/peers/bans",
                 "/peers/discouraged"] { get(path) }
    table.add(.get, "/blocks", query: ["from", "limit", "order"])
    table.add(.get, "/accounts/:address", query: ["limit"])
    get("/wallet")
    table.add(.get, "/wallet/transactions", query: ["limit"])
    for path in ["/transactions", "/peers", "/peers/bans", "/wallet/send"] { post(path) }
    table.add(.delete, "/peers/bans/:address")

    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: JSONErrorMiddleware(routes: table))
    router.get("/") { _, _ in WebWallet.response }
    router.get("/events") { _, _ in try events.response() }
    router.get("/status") { _, _ in await routes.status() }
    router.get("/metrics") { _, _ in try MetricsRoute.response(metrics) }
    router.get("/blocks") { request, _ in try await routes.blocks(request) }
    router.get("/blocks/:id") { _, context in
        try await routes.block(RequestParsing.pathParameter(context, "id"))
    }
    router.get("/transactions/:txid") { _, context in
        try await routes.transaction(RequestParsing.pathParameter(context, "txid"))
    }
    router.post("/transactions") { request, _ in try await routes.submit(request) }
    router.get("/accounts/:address") { request, context in
        try await routes.account(RequestParsing.pathParameter(context, "address"), request)
    }
    router.get("/mempool") { _, _ in await routes.mempool() }
    router.get("/peers") { _, _ in await routes.peers() }
    router.post("/peers") { request, _ in try await routes.connectPeer(request) }
    router.get("/peers/bans") { _, _ in await routes.bans() }
    router.get("/peers/discouraged") { _, _ in await routes.discouraged() }
    router.post("/peers/bans") { request, _ in try await routes.ban(request) }
    router.delete("/peers/bans/:address") { _, context in
        try await routes.unban(RequestParsing.pathParameter(context, "address"))
    }
    router.get("/wallet") { request, _ in try await walletRoutes.summary(request) }
    router.get("/wallet/transactions") { request, _ in try await walletRoutes.transactions(request) }
    router.post("/wallet/send") { request, _ in try await walletRoutes.send(request) }
    return router
}

import Hummingbird

/// The node's HTTP routes over `backend`:
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the read-only web wallet (HTML) |
/// | `GET /status` | `StatusResponse` |
/// | `GET /blocks?from=&limit=&order=` | `BlockListResponse` (newest first by default) |
/// | `GET /blocks/{hash-or-height}` | `BlockResponse` |
/// | `GET /transactions/{txid}` | `TransactionResponse`, confirmed or pending |
/// | `GET /accounts/{address}?limit=` | `AccountResponse` |
/// | `GET /mempool` | `MempoolResponse` |
/// | `POST /transactions` | 202 `SubmitTransactionResponse`, or 422 with the rule that refused it |
///
/// Every error is JSON `{"error": {"code", "message"}}`: 400 for malformed
/// input, 404 for unknown things, 413 for a body over `options.maxBodySize`.
/// `docs/openapi.yaml` describes the same routes.
public func buildRouter(backend: some NodeBackend, options: APIOptions = .init()) -> Router<BasicRequestContext> {
    let routes = APIRoutes(backend: backend, options: options)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    router.get("/") { _, _ in WebWallet.response }
    router.get("/status") { _, _ in await routes.status() }
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
    return router
}

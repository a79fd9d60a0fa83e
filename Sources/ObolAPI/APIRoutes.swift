import Foundation
import Hummingbird
import ObolAPIModels
import ObolCore

/// The handlers behind each route. Each reads its input, asks the backend,
/// and returns a JSON response or throws an `APIError`.
struct APIRoutes<Backend: NodeBackend>: Sendable {
    let backend: Backend
    let options: APIOptions

    // MARK: GET /status

    func status() async -> Response {
        let status = await backend.status()
        let params = backend.params
        let tip = status.tip
        return JSONResponse.make(StatusResponse(
            network: params.name, networkID: params.networkID, height: tip.height, tip: tip.hash,
            work: tip.chainWork, target: tip.header.bits.target ?? .zero, hashRate: status.hashRate,
            peers: status.peers, mempoolSize: status.mempoolSize, minimumFee: params.minimumFee,
            headers: status.headers, syncing: status.syncing))
    }

    // MARK: GET /blocks?from=&limit=&order=

    /// `order=desc` (the default): newest first, from `from` (default: the
    /// tip) down. `order=asc`: oldest first, from `from` (default: 0) up.
    /// `next` is the `from` of the following page.
    func blocks(_ request: Request) async throws(APIError) -> Response {
        let limit = try RequestParsing.limit(request, default: 20, max: options.maxPageSize)
        let from = try RequestParsing.uint(request, "from")
        let ascending: Bool
        switch request.uri.queryParameters["order"].map(String.init) {
        case nil, "desc": ascending = false
        case "asc": ascending = true
        case let other?:
            throw .badRequest("invalid-parameter", "order must be asc or desc, got \"\(RequestParsing.clip(other))\"")
        }
        let tipHeight = await backend.status().tip.height

        if ascending {
            let start = from ?? 0
            guard start <= tipHeight else { return JSONResponse.make(BlockListResponse(blocks: [], next: nil)) }
            let blocks = await backend.blockOutlines(from: start, limit: limit)
            let last = blocks.last?.height
            let next = blocks.count == limit ? last.flatMap { $0 < tipHeight ? $0 + 1 : nil } : nil
            return JSONResponse.make(BlockListResponse(blocks: blocks.map(BlockSummary.init), next: next))
        }
        let top = min(from ?? tipHeight, tipHeight)
        let bottom = top >= UInt64(limit - 1) ? top - UInt64(limit - 1) : 0
        let blocks = await backend.blockOutlines(from: bottom, limit: Int(top - bottom) + 1)
        let next = bottom > 0 ? bottom - 1 : nil
        return JSONResponse.make(BlockListResponse(blocks: blocks.reversed().map(BlockSummary.init), next: next))
    }

    // MARK: GET /blocks/{id}

    func block(_ id: String) async throws(APIError) -> Response {
        let blockID = try RequestParsing.blockID(id)
        guard let record = await backend.block(blockID) else {
            switch blockID {
            case let .hash(hash): throw .notFound("no block \(hash)")
            case let .height(height): throw .notFound("no block at height \(height) on the best chain")
            }
        }
        return JSONResponse.make(BlockResponse(record.block, mainChain: record.onMainChain))
    }

    // MARK: GET /transactions/{txid}

    func transaction(_ text: String) async throws(APIError) -> Response {
        let txid = try RequestParsing.hash(text, name: "txid")
        switch await backend.transaction(txid) {
        case let .confirmed(confirmed)?:
            return JSONResponse.make(TransactionResponse(confirmed))
        case let .pending(transfer)?:
            return JSONResponse.make(TransactionResponse(transfer: transfer))
        case nil:
            throw .notFound("no transaction \(txid) in the best chain or the mempool")
        }
    }

    // MARK: GET /accounts/{address}?limit=

    func account(_ text: String, _ request: Request) async throws(APIError) -> Response {
        let address = try RequestParsing.address(text)
        let limit = try RequestParsing.limit(request, default: 20, max: options.maxPageSize)
        let record = await backend.account(address, recentLimit: limit)
        let pending = await backend.mempool(involving: address, limit: options.maxPageSize)
            .map { TransactionResponse(transfer: $0) }
        let confirmed = record.recent.prefix(limit).map(TransactionResponse.init)
        let account = record.account, maturity = backend.params.coinbaseMaturity
        let maturing = account.maturing(atHeight: record.nextHeight, maturity: maturity)
            .map { MaturingCoins(amount: $0.amount, spendableFrom: $0.spendableFrom) }
        return JSONResponse.make(AccountResponse(
            address: address, balance: account.balance,
            spendable: record.spendable(maturity: maturity), maturing: maturing,
            nextHeight: record.nextHeight, nonce: account.nonce,
            pendingNonce: record.nextNonce, transactions: pending + confirmed))
    }

    // MARK: GET /mempool

    func mempool() async -> Response {
        let listing = await backend.mempool(limit: options.maxMempoolListing)
        return JSONResponse.make(MempoolResponse(count: listing.count,
                                                 transactions: listing.transfers.map { TransactionResponse(transfer: $0) }))
    }

    // MARK: POST /transactions

    func submit(_ request: Request) async throws(APIError) -> Response {
        let body = try await RequestParsing.json(request, as: SubmitTransactionRequest.self, limit: options.maxBodySize)
        let transfer: Transfer
        do {
            transfer = try body.transfer()
        } catch {
            throw .badRequest(error.code, error.message)
        }
        switch await backend.submit(transfer) {
        case .accepted:
            return JSONResponse.make(SubmitTransactionResponse(txid: transfer.id), status: .accepted)
        case let .rejected(rejection):
            throw .rejected(rejection)
        }
    }
}

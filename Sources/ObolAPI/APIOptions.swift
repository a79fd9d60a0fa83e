/// Limits of the HTTP API.
public struct APIOptions: Sendable, Hashable {
    /// Largest request body accepted (larger ones get 413).
    public var maxBodySize: Int
    /// Most items one page returns (`limit` above it is capped).
    public var maxPageSize: Int
    /// Most mempool transfers `GET /mempool` lists (it always gives the count).
    public var maxMempoolListing: Int

    public init(maxBodySize: Int = 64 * 1024, maxPageSize: Int = 100, maxMempoolListing: Int = 1_000) {
        self.maxBodySize = maxBodySize
        self.maxPageSize = maxPageSize
        self.maxMempoolListing = maxMempoolListing
    }
}

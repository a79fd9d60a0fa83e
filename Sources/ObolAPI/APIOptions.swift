/// Limits of the HTTP API.
public struct APIOptions: Sendable, Hashable {
    /// Largest request body accepted (larger ones get 413).
    public var maxBodySize: Int { didSet { maxBodySize = max(1, maxBodySize) } }
    /// Most items one page returns (`limit` above it is capped).
    public var maxPageSize: Int { didSet { maxPageSize = max(1, maxPageSize) } }
    /// Most mempool transfers `GET /mempool` lists (it always gives the count).
    public var maxMempoolListing: Int { didSet { maxMempoolListing = max(1, maxMempoolListing) } }

    /// How long a connection may stay idle (no request, or a request that
    /// stalls) before the server closes it, so idle sockets cannot pile up.
    public var idleTimeout: Duration { didSet { idleTimeout = max(.seconds(1), idleTimeout) } }

    /// Most connections open at once; past it the server stops accepting (new ones wait in the listen
    /// backlog) until one closes, so a client opening sockets cannot exhaust the node's descriptors.
    public var maxConnections: Int { didSet { maxConnections = max(1, maxConnections) } }

    /// Values below 1 are raised to 1 (a zero or negative limit would make
    /// every page empty or trap), and an idle timeout below 1 s to 1 s; so
    /// are values set later.
    public init(maxBodySize: Int = 64 * 1024, maxPageSize: Int = 100, maxMempoolListing: Int = 1_000,
                idleTimeout: Duration = .seconds(30), maxConnections: Int = 256) {
        self.maxBodySize = max(1, maxBodySize)
        self.maxPageSize = max(1, maxPageSize)
        self.maxMempoolListing = max(1, maxMempoolListing)
        self.idleTimeout = max(.seconds(1), idleTimeout)
        self.maxConnections = max(1, maxConnections)
    }
}

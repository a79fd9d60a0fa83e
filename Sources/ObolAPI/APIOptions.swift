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

    /// Most `GET /events` clients at once; past it the route answers 503 `too-many-clients`.
    public var maxEventClients: Int { didSet { maxEventClients = max(1, maxEventClients) } }

    /// Most events waiting for one `GET /events` client; when it falls behind, the oldest are dropped.
    public var eventQueueSize: Int { didSet { eventQueueSize = max(1, eventQueueSize) } }

    /// How often `GET /events` writes a comment line when there is nothing to tell, so that a client
    /// that went away is noticed (the write fails) and its slot freed, and proxies keep the stream
    /// open; nil writes none.
    public var eventKeepAlive: Duration?

    /// Values below 1 are raised to 1 (a zero or negative limit would make
    /// every page empty or trap), and an idle timeout below 1 s to 1 s; so
    /// are values set later.
    public init(maxBodySize: Int = 64 * 1024, maxPageSize: Int = 100, maxMempoolListing: Int = 1_000,
                idleTimeout: Duration = .seconds(30), maxConnections: Int = 256,
                maxEventClients: Int = 32, eventQueueSize: Int = 64, eventKeepAlive: Duration? = .seconds(15)) {
        self.maxBodySize = max(1, maxBodySize)
        self.maxPageSize = max(1, maxPageSize)
        self.maxMempoolListing = max(1, maxMempoolListing)
        self.idleTimeout = max(.seconds(1), idleTimeout)
        self.maxConnections = max(1, maxConnections)
        self.maxEventClients = max(1, maxEventClients)
        self.eventQueueSize = max(1, eventQueueSize)
        self.eventKeepAlive = eventKeepAlive
    }
}

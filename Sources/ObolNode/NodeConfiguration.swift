import Logging
import Metrics
import ObolCore

/// Everything a node is started with.
public struct NodeConfiguration: Sendable {
    public var params: ChainParams
    /// Where the embedded SQLite store lives; nil keeps the chain in memory.
    /// Read by the `Obol` module's `Node(configuration:clock:)`, which opens the store.
    public var dataDirectory: String?
    /// Mines when set.
    public var mining: MinerConfig?
    public var mempool: MempoolConfig
    public var chain: ChainOptions
    /// The peer layer's settings; used when the node is given a transport.
    public var peers: PeerManagerConfiguration
    /// Threads that verify a block's signatures in parallel.
    public var verificationThreads: Int
    public var logger: Logger
    /// Where the node's metrics go (`docs/OPERATIONS.md` lists them): nil uses the process-wide
    /// `MetricsSystem.factory` (a no-op until something bootstraps it; `obol node` bootstraps Prometheus).
    /// A factory of its own keeps a node's metrics apart from the process's (tests, several nodes).
    public var metrics: (any MetricsFactory)?

    public init(params: ChainParams = .devnet, dataDirectory: String? = nil, mining: MinerConfig? = nil,
                mempool: MempoolConfig = .init(), chain: ChainOptions = .init(), peers: PeerManagerConfiguration = .init(),
                verificationThreads: Int = ProcessInfoCores.active, logger: Logger = Logger(label: "obol"),
                metrics: (any MetricsFactory)? = nil) {
        self.params = params
        self.dataDirectory = dataDirectory
        self.mining = mining
        self.mempool = mempool
        self.chain = chain
        self.peers = peers
        self.verificationThreads = verificationThreads
        self.logger = logger
        self.metrics = metrics
    }
}

import ArgumentParser
import Foundation
import Logging
import Obol
import ObolTracker
import ServiceLifecycle

/// `obol tracker`: the Python design's tracker, where nodes list themselves and find each other.
struct TrackerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Run a tracker: nodes started with --tracker list themselves here and find peers through it."
    )

    @Option(help: "Where to serve, HOST:PORT.")
    var listen: String = "127.0.0.1:9400"

    @Option(help: "Network whose nodes it lists: devnet or test.")
    var network: String = "devnet"

    @Option(name: .customLong("heartbeat"), help: "Seconds between a node's heartbeats; three missed drop it.")
    var heartbeat: UInt64 = 30

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard PeerEndpoint(listen) != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT") }
        guard ChainParams.preset(named: network) != nil else {
            throw ValidationError("--network must be devnet or test")
        }
        guard (1...3_600).contains(heartbeat) else { throw ValidationError("--heartbeat must be from 1 to 3600 seconds") }
        try LogLevel.validate(logLevel)
    }

    func run() async throws {
        LogLevel.bootstrap(logLevel)
        let logger = Logger(label: "obol.tracker")
        let params = ChainParams.preset(named: network)!
        let endpoint = PeerEndpoint(listen)!
        let key = NoiseKeyPair()
        let service = TrackerService(network: params.networkID, key: key, heartbeatInterval: heartbeat,
                                     verifier: NoiseDialBack(params: params, key: key),
                                     now: { UInt64(Date().timeIntervalSince1970) })
        let server = TrackerServer(backend: TrackerAPIBackend(service: service), host: endpoint.host, port: endpoint.port,
                                   logger: logger) { port in
            logger.info("tracker on http://\(endpoint.host):\(port)", metadata: ["network": "\(params.name)"])
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

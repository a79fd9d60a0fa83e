import ArgumentParser
import Foundation
import Logging
import Metrics
import Obol
import ObolWallet
import ServiceLifecycle

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node: the chain, the mempool, the HTTP API and, with --mine, a miner."
    )

    @Option(help: NetworkOption.help)
    var network: String = "devnet"

    @Option(name: .customLong("data-dir"), help: "Where the chain is stored (default: ~/.obol/<network>). Use ':memory:' to keep it in memory.")
    var dataDir: String?

    @Option(name: .customLong("http-port"), help: "Port of the HTTP API (0 disables it).")
    var httpPort: Int = 8080

    @Option(name: .customLong("http-host"), help: "Address the HTTP API binds to (outside 127.0.0.0/8 and ::1, other machines can reach it).")
    var httpHost: String = "127.0.0.1"

    @Option(help: "A key file whose key the node holds in memory for the /wallet routes of its HTTP API, unlocked at start (passphrase: --passphrase-file, $OBOL_PASSPHRASE or the terminal). With --mine and no --miner-address, it mines to it. Each start writes a new API token to DATA_DIR/api.token.")
    var wallet: String?

    @OptionGroup var passphrase: PassphraseOption

    @Flag(name: .customLong("allow-remote-wallet"), help: "Allow --wallet with an --http-host other machines can reach (the token then travels over plain HTTP).")
    var allowRemoteWallet = false

    @Flag(help: "Mine blocks.")
    var mine = false

    @Option(name: .customLong("miner-address"), help: "Where mined coins go (default: the --wallet key's address, else the address of PRIVATE_KEY, else a key kept in the data directory).")
    var minerAddress: String?

    @Option(help: "Mining threads (default: every core).")
    var threads: Int?

    @Option(help: "Where to accept peers, HOST:PORT (default: 127.0.0.1 and the network's port). Listening on every interface (0.0.0.0) is an explicit choice.")
    var listen: String?

    @Flag(name: .customLong("no-listen"), help: "Accept no peers; only dial out.")
    var noListen = false

    @Option(name: .customLong("peer"), help: "A peer to keep connected, HOST:PORT (repeatable).")
    var peers: [String] = []

    @Option(help: "A tracker (obol tracker) to list this node with and find peers through, http://HOST:PORT.")
    var tracker: String?

    @Option(name: .customLong("max-connections"), help: "Peer connections at most, inbound and outbound (8 of them outbound).")
    var maxConnections: Int = 125

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be between 0 and 65535") }
        if let dataDir, dataDir != ":memory:" {
            guard !dataDir.isEmpty else { throw ValidationError("--data-dir is empty: name a directory, or ':memory:'") }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--data-dir '\(dataDir)' is a file, not a directory")
            }
        }
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
        try LogLevel.validate(logLevel)
        if let minerAddress, Address(minerAddress) == nil {
            throw ValidationError("--miner-address '\(minerAddress)' is not a valid obol address (checksum or prefix wrong)")
        }
        if noListen, listen != nil { throw ValidationError("--listen and --no-listen exclude each other") }
        if let listen, PeerEndpoint(listen) == nil {
            throw ValidationError("--listen '\(listen)' is not HOST:PORT with a port from 1 to 65535")
        }
        for peer in peers where PeerEndpoint(peer) == nil {
            throw ValidationError("--peer '\(peer)' is not HOST:PORT with a port from 1 to 65535")
        }
        if let tracker, !(tracker.hasPrefix("http://") || tracker.hasPrefix("https://")) {
            throw ValidationError("--tracker '\(tracker)' is not an http://HOST:PORT URL")
        }
        guard (0...10_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be between 0 and 10000")
        }
        if !mine, threads != nil || minerAddress != nil {
            throw ValidationError("--threads and --miner-address only apply with --mine")
        }
        try validateWallet()
    }

    /// The node wallet's flags. Refusing a wallet on a reachable host is a `CommandFailure`, one line
    /// without the usage text, before anything is bound or created.
    private func validateWallet() throws {
        guard let wallet else {
            if allowRemoteWallet { throw ValidationError("--allow-remote-wallet only applies with --wallet") }
            if passphrase.passphraseFile != nil, !mine {
                throw ValidationError("--passphrase-file only applies with --wallet, or with --mine for a new miner key")
            }
            return
        }
        guard !wallet.isEmpty else { throw ValidationError("--wallet is empty: name a key file") }
        guard httpPort != 0 else { throw ValidationError("--wallet needs the HTTP API, which --http-port 0 disables") }
        if !allowRemoteWallet, !LoopbackHost.contains(httpHost) {
            throw CommandFailure("refusing --wallet on --http-host \(httpHost): other machines could reach the "
                                 + "wallet's routes; bind a loopback address (127.0.0.1), or pass --allow-remote-wallet")
        }
    }

    func run() async throws {
        LogLevel.bootstrap(logLevel)
        // Before the node exists: every metric it makes goes to this registry, which GET /metrics emits.
        let prometheus = PrometheusMetrics()
        MetricsSystem.bootstrap(prometheus.factory)
        let logger = Logger(label: "obol")
        let params = try NetworkOption.params(network)
        let directory = try dataDirectory(for: params)
        if httpPort != 0, !LoopbackHost.contains(httpHost) {
            logger.warning("--http-host \(httpHost) is not a loopback address: other machines can reach the HTTP API")
        }
        // Read before anything is created: an unreadable key file is one line, and leaves no files.
        let walletKey = try wallet.map { try NodeWalletKey.load(path: $0, passphrase: passphrase, params: params) }
        // Checked before anything is created: a bad host or a taken port is one line, and leaves no files.
        if httpPort != 0, let problem = ListenCheck.problem(host: httpHost, port: httpPort) {
            throw CommandFailure(problem)
        }

        var configuration = NodeConfiguration(params: params, dataDirectory: directory, logger: logger)
        configuration.peers.staticPeers = peers.compactMap { PeerEndpoint($0) }
        configuration.peers.maxConnections = maxConnections
        configuration.peers.maxOutbound = min(configuration.peers.maxOutbound, maxConnections)
        var newMinerKey: (key: PrivateKey, path: String, passphrase: String?)?
        if mine {
            let address: Address
            let newKey: (key: PrivateKey, path: String)?
            (address, newKey) = try resolveMinerAddress(directory: directory, walletKey: walletKey)
            // Read before anything is created: a bad passphrase file is one line, and leaves no files.
            newMinerKey = try newKey.map { ($0.key, $0.path, try NodeMinerKey.passphrase(passphrase, for: $0.path)) }
            configuration.mining = MinerConfig(address: address,
                                               threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            logger.info("mining", metadata: ["address": "\(address)", "threads": "\(configuration.mining!.threads)"])
        }
        let node: Node
        let listenAt = noListen ? nil : listen.flatMap { PeerEndpoint($0) }
            ?? PeerEndpoint(host: "127.0.0.1", port: Int(params.defaultPort))
        do {
            node = try await Node.networked(configuration: configuration, network: NetworkOptions(listen: listenAt, tracker: tracker))
        } catch let error as NetworkSetupError {
            throw CommandFailure("\(error)")
        } catch {
            throw CommandFailure("cannot open the node: \(error)")
        }
        if let newMinerKey {
            try NodeMinerKey.write(newMinerKey.key, at: newMinerKey.path, params: params,
                                   passphrase: newMinerKey.passphrase, logger: logger)
        }
        let nodeWallet = try walletKey.map { try startWallet(key: $0, directory: directory, logger: logger) }
        var services: [any Service] = [node]
        if httpPort != 0 {
            services.append(APIServer(node: node, host: httpHost, port: httpPort, wallet: nodeWallet, logger: logger,
                                      metrics: prometheus.emit))
            logger.info("HTTP API on http://\(httpHost):\(httpPort)")
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    private func dataDirectory(for params: ChainParams) throws -> String? {
        if dataDir == ":memory:" { return nil }
        if let dataDir { return dataDir }
        return Keystore.expandTilde("~/.obol/\(params.name)")
    }

    /// The node wallet of `key` with a new API token, written to `DATA_DIR/api.token` (mode 0600, replacing
    /// the last start's), or logged once at notice level for a node without a data directory. Called once
    /// the node has opened (and created its data directory). Without --wallet no token is made: the wallet
    /// routes then answer 404 whatever a client sends.
    private func startWallet(key: PrivateKey, directory: String?, logger: Logger) throws -> NodeWallet {
        let wallet = NodeWallet(key: key, token: .random())
        if let directory {
            do {
                let path = try APITokenFile.write(wallet.token, in: directory)
                logger.notice("wallet \(wallet.address) on the HTTP API; its token is in \(path)")
            } catch {
                throw CommandFailure("cannot write the API token file in \(directory): \(error.reason)")
            }
        } else {
            logger.notice("wallet \(wallet.address) on the HTTP API; its token (Authorization: Bearer): \(wallet.token.hex)")
        }
        return wallet
    }

    /// Where mined coins go, and a new miner key to write into the data directory once the node has opened
    /// (so a node that fails to start leaves no key file behind): --miner-address, else the --wallet key,
    /// else PRIVATE_KEY, else a key kept in the data directory.
    private func resolveMinerAddress(directory: String?, walletKey: PrivateKey?)
        throws -> (Address, newKey: (key: PrivateKey, path: String)?) {
        if let minerAddress, let address = Address(minerAddress) { return (address, nil) }
        if let walletKey { return (walletKey.publicKey.address, nil) }
        if let hex = ProcessInfo.processInfo.environment["PRIVATE_KEY"] {
            guard let key = try? PrivateKey(hex: hex) else {
                throw CommandFailure("the PRIVATE_KEY environment variable is not a 64-digit hex secp256k1 private key")
            }
            return (key.publicKey.address, nil)
        }
        let key = PrivateKey.generate()
        guard let directory else { return (key.publicKey.address, nil) }
        let path = "\(directory)/miner-key.json"
        guard FileManager.default.fileExists(atPath: path) else { return (key.publicKey.address, (key, path)) }
        do {
            // The address is in the clear part of an encrypted file too: the node needs no passphrase to mine to it.
            return (try Keystore.readHeader(at: path).address, nil)
        } catch {
            throw CommandFailure("cannot use the miner key file \(path): \(error)")
        }
    }
}

import Foundation
import Logging
import ObolNode
import ObolP2P
import ObolStore
import ObolTracker
import ObolWire

/// Where and whether a node takes part in the peer-to-peer network.
public struct NetworkOptions: Sendable {
    /// Where to accept connections (nil: dial out only).
    public var listen: PeerEndpoint?
    /// A tracker to list the node with and take addresses from, `http://HOST:PORT` (`obol tracker`).
    public var tracker: String?

    public init(listen: PeerEndpoint?, tracker: String? = nil) {
        self.listen = listen
        self.tracker = tracker
    }
}

/// Why a networked node could not start.
public struct NetworkSetupError: Error, CustomStringConvertible {
    public var description: String
}

extension Node {
    /// A node with its store (see `init(configuration:clock:)`) on the TCP network: its identity is
    /// `node.key` in the data directory (a new key each run for an in-memory node), it listens where
    /// `network.listen` says (bound before this returns, so a taken port fails here), and its address
    /// book and bans are kept beside the chain.
    public static func networked(configuration: NodeConfiguration, network: NetworkOptions,
                                 clock: any NodeClock = SystemClock()) async throws -> Node {
        // Nothing is created before everything that can fail early has been checked: another node on the
        // data directory, then the listening port; only then the node key and the store are written.
        var configuration = configuration
        var identity = NodeIdentity(keyPair: NoiseKeyPair())
        var identityIsNew = true
        if let directory = configuration.dataDirectory {
            try SQLiteChainStore.checkNotInUse(dataDirectory: URL(fileURLWithPath: directory))
            (identity, identityIsNew) = try NodeIdentity.loadOrGenerate(inDataDirectory: directory)
            configuration.peers.dataDirectory = directory
        }
        if let tracker = network.tracker {
            do {
                configuration.peers.directory = try TrackerClient(url: tracker, nodeKey: identity.keyPair,
                                                                  network: configuration.params.networkID)
            } catch {
                throw NetworkSetupError(description: "\(error)")
            }
        }
        let p2p = P2PConfiguration(params: configuration.params, staticKey: identity.keyPair)
        let transport: TCPPeerTransport
        if let listen = network.listen {
            do {
                transport = try await TCPPeerTransport.bind(host: listen.host, port: listen.port, configuration: p2p)
            } catch {
                throw NetworkSetupError(description: "cannot listen on \(listen): \(error)")
            }
        } else {
            transport = TCPPeerTransport(configuration: p2p)
        }
        if let directory = configuration.dataDirectory, identityIsNew {
            let saved = try identity.save(inDataDirectory: directory)
            guard saved.publicKey == identity.publicKey else {
                throw NetworkSetupError(description: "another process created \(directory)/\(NodeIdentity.fileName) "
                                        + "at the same time: is a second node starting on this data directory?")
            }
        }
        configuration.logger.info("peer-to-peer", metadata: [
            "node-id": "\(identity.nodeID)",
            "listen": "\(transport.listenEndpoint.map { "\($0)" } ?? "off")",
            "peers": "\(configuration.peers.staticPeers.map(\.description).joined(separator: ","))",
            "tracker": "\(network.tracker ?? "none")",
        ])
        let store: any ChainStore = if let directory = configuration.dataDirectory {
            try SQLiteChainStore(dataDirectory: URL(fileURLWithPath: directory))
        } else {
            MemoryChainStore()
        }
        return try Node(configuration: configuration, store: store, transport: transport, clock: clock)
    }
}

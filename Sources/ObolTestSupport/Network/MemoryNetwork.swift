import ObolNode
import ObolWire
import Synchronization

/// A network in memory for tests: nodes reach each other by `PeerEndpoint` through `MemoryTransport`s,
/// with no sockets. Links can be given latency and loss (`conditions`), hosts can be partitioned into
/// groups that cannot reach each other (existing links between them are cut), and healed.
public final class MemoryNetwork: Sendable {
    struct Listener: Sendable {
        var nodeID: [UInt8]
        var accept: AsyncStream<MemoryLink>.Continuation
    }

    struct OpenLink: Sendable {
        var hosts: (String, String)
        var pipes: [MemoryPipe]
    }

    struct State: Sendable {
        var listeners: [PeerEndpoint: Listener] = [:]
        var links: [Int: OpenLink] = [:]
        var nextLinkID = 0
        /// Each partitioned host's side; hosts on different sides cannot talk.
        var sides: [String: Int] = [:]
        var conditions: LinkConditions
        /// Conditions of what one host sends, over the network's.
        var hostConditions: [String: LinkConditions] = [:]
        var messagesSent: [String: Int] = [:]
        var commandsSent: [Command: Int] = [:]
    }

    public let clock: any NodeClock
    let pipeCapacity: Int
    private let state: Mutex<State>

    /// - Parameters:
    ///   - clock: the clock latency is measured on (a manual one delivers late messages only as it advances).
    ///   - pipeCapacity: bytes in flight per direction before a writer waits (TCP's buffers).
    public init(clock: any NodeClock = SystemClock(), conditions: LinkConditions = .init(), pipeCapacity: Int = 4 << 20) {
        self.clock = clock
        self.pipeCapacity = pipeCapacity
        state = Mutex(State(conditions: conditions))
    }

    /// A transport for the node at `host:port` with the given id (listening unless `listening` is false).
    public func transport(host: String, port: Int = 9333, nodeID: [UInt8], listening: Bool = true) -> MemoryTransport {
        MemoryTransport(network: self, endpoint: PeerEndpoint(host: host, port: port), nodeID: nodeID, listening: listening)
    }

    /// Latency and loss of every link from now on.
    public var conditions: LinkConditions {
        get { state.withLock { $0.conditions } }
        set { state.withLock { $0.conditions = newValue } }
    }

    /// Latency, loss and silences of what `host` sends, from now on (nil: the network's).
    public func setConditions(_ conditions: LinkConditions?, from host: String) {
        state.withLock { $0.hostConditions[host] = conditions }
    }

    func conditions(from host: String) -> LinkConditions {
        state.withLock { $0.hostConditions[host] ?? $0.conditions }
    }

    /// Splits the hosts into groups that cannot reach each other and cuts the links between them.
    /// Hosts not named can reach everyone.
    public func partition(_ groups: [[String]]) {
        let cut = state.withLock { s -> [MemoryPipe] in
            s.sides = [:]
            for (index, group) in groups.enumerated() { for host in group { s.sides[host] = index } }
            var cut: [MemoryPipe] = []
            for (id, link) in s.links where Self.separated(link.hosts.0, link.hosts.1, sides: s.sides) {
                cut += link.pipes
                s.links.removeValue(forKey: id)
            }
            return cut
        }
        for pipe in cut { pipe.close() }
    }

    /// Lets every host reach every other again (links cut stay cut; nodes redial).
    public func heal() { state.withLock { $0.sides = [:] } }

    /// Messages `host` has sent so far.
    public func messagesSent(by host: String) -> Int { state.withLock { $0.messagesSent[host] ?? 0 } }

    /// Messages of `command` sent so far, by every host.
    public func messagesSent(_ command: Command) -> Int { state.withLock { $0.commandsSent[command] ?? 0 } }

    /// Whether a node listens at `endpoint`.
    public func isListening(_ endpoint: PeerEndpoint) -> Bool { state.withLock { $0.listeners[endpoint] != nil } }

    /// Links currently open.
    public var openLinks: Int { state.withLock { s in s.links.values.count { !$0.pipes[0].isClosed } } }

    private static func separated(_ a: String, _ b: String, sides: [String: Int]) -> Bool {
        guard let sa = sides[a], let sb = sides[b] else { return false }
        return sa != sb
    }

    // MARK: For the transports

    func register(_ endpoint: PeerEndpoint, nodeID: [UInt8], accept: AsyncStream<MemoryLink>.Continuation) {
        state.withLock { $0.listeners[endpoint] = Listener(nodeID: nodeID, accept: accept) }
    }

    func unregister(_ endpoint: PeerEndpoint) {
        _ = state.withLock { $0.listeners.removeValue(forKey: endpoint) }
    }

    func countSent(_ host: String, _ messages: [Message]) {
        state.withLock { s in
            s.messagesSent[host, default: 0] += messages.count
            for message in messages { s.commandsSent[message.command, default: 0] += 1 }
        }
    }

    func connect(from source: MemoryTransport, to endpoint: PeerEndpoint) throws -> MemoryLink {
        let from = source.endpoint.host, to = endpoint.host
        let forwardConditions: @Sendable () -> LinkConditions = { [weak self] in self?.conditions(from: from) ?? .init() }
        let backwardConditions: @Sendable () -> LinkConditions = { [weak self] in self?.conditions(from: to) ?? .init() }
        let (initiator, responder, accept) = try state.withLock { s -> (MemoryLink, MemoryLink, AsyncStream<MemoryLink>.Continuation) in
            guard let listener = s.listeners[endpoint] else { throw MemoryTransportError.unreachable }
            guard !Self.separated(source.endpoint.host, endpoint.host, sides: s.sides) else {
                throw MemoryTransportError.partitioned
            }
            let id = s.nextLinkID
            s.nextLinkID += 1
            let forward = MemoryPipe(capacity: pipeCapacity, seed: UInt64(2 * id + 1), clock: clock,
                                     conditions: forwardConditions)
            let backward = MemoryPipe(capacity: pipeCapacity, seed: UInt64(2 * id + 2), clock: clock,
                                      conditions: backwardConditions)
            s.links[id] = OpenLink(hosts: (source.endpoint.host, endpoint.host), pipes: [forward, backward])
            let initiator = MemoryLink(network: self, localHost: source.endpoint.host, nodeID: listener.nodeID,
                                       remoteEndpoint: endpoint, incoming: backward, outgoing: forward)
            let responder = MemoryLink(network: self, localHost: endpoint.host, nodeID: source.nodeID,
                                       remoteEndpoint: PeerEndpoint(host: source.endpoint.host, port: 40_000 + id % 20_000),
                                       incoming: forward, outgoing: backward)
            return (initiator, responder, listener.accept)
        }
        if case .terminated = accept.yield(responder) {
            initiator.closePipes()
            throw MemoryTransportError.unreachable
        }
        return initiator
    }
}

/// A node's view of a `MemoryNetwork`.
public struct MemoryTransport: PeerTransport {
    public let network: MemoryNetwork
    public let endpoint: PeerEndpoint
    public let nodeID: [UInt8]
    public let listening: Bool

    public var listenEndpoint: PeerEndpoint? { listening ? endpoint : nil }

    public func connect(to endpoint: PeerEndpoint) async throws -> any PeerLink {
        try network.connect(from: self, to: endpoint)
    }

    public func listen(_ accept: @escaping @Sendable (any PeerLink) async -> Void) async throws {
        guard listening else { return }
        let (links, continuation) = AsyncStream<MemoryLink>.makeStream()
        network.register(endpoint, nodeID: nodeID, accept: continuation)
        defer {
            network.unregister(endpoint)
            continuation.finish()
        }
        await withDiscardingTaskGroup { group in
            for await link in links { group.addTask { await accept(link) } }
        }
    }
}

/// One end of an in-memory connection.
struct MemoryLink: PeerLink {
    let network: MemoryNetwork
    let localHost: String
    let nodeID: [UInt8]
    let remoteEndpoint: PeerEndpoint
    let incoming: MemoryPipe
    let outgoing: MemoryPipe

    func run(receive: @escaping @Sendable (Message) async throws -> Void,
             write: @escaping @Sendable (any PeerWriter) async throws -> Void) async throws {
        defer { closePipes() }
        let incoming = incoming
        let writer = PipeWriter(pipe: outgoing, network: network, host: localHost)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while let message = try await incoming.receive() { try await receive(message) }
            }
            group.addTask { try await write(writer) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    func close() async { closePipes() }

    func closePipes() {
        incoming.close()
        outgoing.close()
    }
}

struct PipeWriter: PeerWriter {
    let pipe: MemoryPipe
    let network: MemoryNetwork
    let host: String

    func send(_ messages: [Message]) async throws {
        network.countSent(host, messages)
        try await pipe.send(messages)
    }
}

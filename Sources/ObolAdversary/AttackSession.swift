import ObolCore
import ObolWire
import Synchronization

/// One scripted connection to a node: the attacker's side of the wire protocol, over any `PeerLink` (TCP
/// with Noise from `obol attack`, the in-memory transport in tests).
///
/// A node reads a peer's next message only once it has handled the last one, so a `ping` sent behind a lie
/// is answered only if the node kept the connection: `stillConnected()` tells, without a timer.
public struct AttackSession {
    let params: ChainParams
    private let writer: any PeerWriter
    private var inbound: AsyncStream<Message>.Iterator
    /// The node's `version`, once `exchangeVersions()` has run: its height tells whether a block is stale.
    public private(set) var nodeVersion: VersionMessage?

    /// Runs `script` over `link`, which must have completed its transport handshake. The connection is
    /// closed when the script returns; a script cut short because the node hung up sees `receive()` end.
    public static func run<Result: Sendable>(
        over link: any PeerLink, params: ChainParams,
        _ script: @escaping @Sendable (inout AttackSession) async throws -> Result
    ) async throws -> Result {
        let (messages, delivery) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let outcome = Mutex<Swift.Result<Result, any Error>?>(nil)
        do {
            try await link.run(receive: { message in delivery.yield(message) }, write: { writer in
                var session = AttackSession(params: params, writer: writer, inbound: messages.makeAsyncIterator())
                let result: Swift.Result<Result, any Error>
                do {
                    result = .success(try await script(&session))
                } catch {
                    result = .failure(error)
                }
                outcome.withLock { $0 = result }
            })
        } catch where outcome.withLock({ $0 != nil }) {
            // The link's own error (the node's hang-up) matters less than what the script made of it.
        }
        delivery.finish()
        guard let result = outcome.withLock({ $0 }) else { throw AttackSessionError("the connection ended before the script ran") }
        return try result.get()
    }

    private init(params: ChainParams, writer: any PeerWriter, inbound: AsyncStream<Message>.Iterator) {
        self.params = params
        self.writer = writer
        self.inbound = inbound
    }

    public func send(_ messages: Message...) async throws {
        try await writer.send(messages)
    }

    /// The node's next message; nil once it has closed the connection.
    public mutating func receive() async -> Message? {
        await inbound.next()
    }

    /// Our `version` (no services, no chain, so the node asks us for nothing), the node's `version` and
    /// `verack`, our `verack`.
    public mutating func exchangeVersions() async throws {
        try await send(.version(VersionMessage(networkID: params.networkID, services: [], bestHeight: 0,
                                               chainWork: .zero, listenAddress: nil, userAgent: "obol-attack")))
        while let message = await receive() {
            switch message {
            case let .version(theirs): nodeVersion = theirs
            case .verack where nodeVersion != nil:
                try await send(.verack)
                return
            default: continue
            }
        }
        throw AttackSessionError("the node closed the connection during the version handshake")
    }

    /// Sends a `ping` and reads up to its `pong`: true when it came (the node handled everything sent
    /// before and kept the connection), false when the node closed the connection first.
    public mutating func stillConnected() async throws -> Bool {
        let nonce = UInt64.random(in: .min ... .max)
        do {
            try await send(.ping(nonce: nonce))
        } catch {
            return false  // the node hung up before the ping could be written
        }
        while let message = await receive() {
            switch message {
            case .pong(nonce): return true
            case let .ping(theirs): try await send(.pong(nonce: theirs))
            default: continue
            }
        }
        return false
    }
}

/// Why a scripted connection could not go on.
public struct AttackSessionError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

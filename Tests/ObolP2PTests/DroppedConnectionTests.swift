import ObolCore
import ObolP2P
import ObolWire
import Testing

/// A connection its owner drops without running or closing it (a node stopping just as it accepted one) is
/// closed, not a trap: NIO traps when an async channel's writer is dropped unfinished.
@Suite(.timeLimit(.minutes(1)))
struct DroppedConnectionTests {
    typealias Transport = P2PTransportTests

    @Test(arguments: [true, false])
    func aConnectionDroppedUnopenedIsClosed(afterHandshake: Bool) async throws {
        let listener = try await P2PListener.bind(host: Transport.host, port: 0,
                                                  configuration: Transport.configuration(NoiseKeyPair()))
        let dialer = P2PDialer(configuration: Transport.configuration(NoiseKeyPair()))
        try await listener.withIncoming { incoming in
            async let dialled = dialer.connect(host: Transport.host, port: listener.port)
            var iterator = incoming.makeAsyncIterator()
            do {
                let peer = try #require(try await iterator.next())
                if afterHandshake { _ = try await peer.handshake() }  // the PeerConnection is dropped here
            }
            let client = try await dialled
            // The listener's side is gone: the client's messages go nowhere and its session ends.
            try await client.run { session in
                do {
                    for try await _ in session.inbound {}
                } catch {}  // a reset is an end too
            }
        }
    }
}

import NIOCore
import ObolWire
import Synchronization

/// A connection's `NIOAsyncChannel`, which must be opened with `executeThenClose` exactly as NIO asks, and is
/// closed properly even when its owner drops it unopened.
///
/// NIO traps when an async channel's writer is dropped unfinished. Owners are meant to run or close every
/// connection, but a connection can be dropped without either: one the listener accepted and queued just as
/// the node stopped, or one handed to a peer layer that stopped before running it. When the last reference
/// to such a connection goes, this finishes it on its event loop instead.
final class OwnedChannel: Sendable {
    let channel: NIOAsyncChannel<Message, Message>
    private let opened = Mutex(false)

    init(_ channel: NIOAsyncChannel<Message, Message>) {
        self.channel = channel
    }

    /// The channel's `executeThenClose`: `body` runs with the channel open, which is closed when it returns.
    func executeThenClose<Result>(
        isolation actor: isolated (any Actor)? = #isolation,
        _ body: (NIOAsyncChannelInboundStream<Message>, NIOAsyncChannelOutboundWriter<Message>) async throws -> sending Result
    ) async throws -> sending Result {
        opened.withLock { $0 = true }
        return try await channel.executeThenClose(isolation: actor, body)
    }

    /// Closes the connection without reading or writing.
    func close() async {
        try? await executeThenClose { _, _ in }
    }

    deinit {
        guard !opened.withLock({ $0 }) else { return }
        let channel = channel
        // The only task this target starts: it ends as soon as the channel is closed.
        _ = channel.channel.eventLoop.makeFutureWithTask {
            try? await channel.executeThenClose { _, _ in }
        }
    }
}

import Hummingbird
import ObolCore
import ServiceLifecycle
import Synchronization

/// `GET /events`: what happens in the node as server-sent events (`text/event-stream`), for the web
/// wallet's live updates. The stream opens with `retry: 3000` (an EventSource reconnects after 3 s),
/// then the current tip and mempool count, then, as they happen:
///
/// - `event: tip` `data: {"height":N,"hash":"…"}` when the best tip moves;
/// - `event: mempool` `data: {"count":N}` when the mempool changes;
/// - `event: wallet` `data: {}` when a block or mempool transfer involves the node wallet's address.
///
/// Each client has a queue of `APIOptions.eventQueueSize` events (the backend's buffer; with
/// keep-alives on, a second one of the same size joins them to the keep-alive ticks), the oldest
/// dropped first, so a client that falls behind loses events, never the node's memory. At most
/// `APIOptions.maxEventClients` clients at once; past it 503 `too-many-clients`. A client's slot is
/// freed when its response ends: the node stops, the server shuts down gracefully, or a write fails
/// because the client went away (the keep-alive comments make that write happen on a quiet node).
struct EventsRoute<Backend: NodeBackend>: Sendable {
    let backend: Backend
    /// The node wallet's address, whose changes are `wallet` events; nil sends none.
    let walletAddress: Address?
    let options: APIOptions
    let slots: EventClientSlots

    init(backend: Backend, walletAddress: Address?, options: APIOptions) {
        self.backend = backend
        self.walletAddress = walletAddress
        self.options = options
        slots = EventClientSlots(limit: options.maxEventClients)
    }

    func response() throws(APIError) -> Response {
        guard let slot = slots.take() else {
            throw APIError(status: .serviceUnavailable, code: "too-many-clients",
                           message: "\(options.maxEventClients) clients already read /events; try again later")
        }
        let backend = backend, address = walletAddress, queueSize = options.eventQueueSize
        let keepAlive = options.eventKeepAlive.map { max(.milliseconds(1), $0) }
        let body = ResponseBody { writer in
            // The slot lives as long as this closure: it is freed when the response is done with,
            // written or not (a HEAD request drops the body unwritten).
            withExtendedLifetime(slot) {}
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            let events = backend.events(watching: address, bufferingNewest: queueSize)
            let status = await backend.status()
            try await writer.write(Self.frame(.tip(height: status.tip.height, hash: status.tip.hash)))
            try await writer.write(Self.frame(mempoolCount: status.mempoolSize))
            if let keepAlive {
                try await Self.forward(events, keepAlive: keepAlive, queueSize: queueSize, backend: backend, to: &writer)
            } else {
                for await event in events.cancelOnGracefulShutdown() {
                    try await writer.write(await Self.frame(event, backend: backend))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache",
                                  .xContentTypeOptions: "nosniff"],
                        body: body)
    }

    /// Writes `events` and, when nothing happened for `keepAlive`, a comment line: two child tasks
    /// feed one bounded queue that this task writes from, until the events end, a write fails, or
    /// the server shuts down gracefully (which cancels the children too).
    private static func forward(_ events: AsyncStream<NodeEvent>, keepAlive: Duration, queueSize: Int,
                                backend: Backend, to writer: inout any ResponseBodyWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (items, sink) = AsyncStream<NodeEvent?>.makeStream(bufferingPolicy: .bufferingNewest(queueSize))
            group.addTask {
                for await event in events { sink.yield(event) }
                sink.finish()
            }
            group.addTask {
                while (try? await Task.sleep(for: keepAlive)) != nil { sink.yield(nil) }
            }
            for await item in items.cancelOnGracefulShutdown() {
                if let item {
                    try await writer.write(await frame(item, backend: backend))
                } else {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            group.cancelAll()
        }
    }

    private static func frame(_ event: NodeEvent, backend: Backend) async -> ByteBuffer {
        switch event {
        case .mempool: frame(mempoolCount: await backend.status().mempoolSize)
        case .tip, .wallet: frame(event)
        }
    }

    /// One event as the stream writes it: `event:` and one `data:` line of JSON.
    static func frame(_ event: NodeEvent) -> ByteBuffer {
        switch event {
        case let .tip(height, hash): ByteBuffer(string: "event: tip\ndata: {\"height\":\(height),\"hash\":\"\(hash)\"}\n\n")
        case .mempool: ByteBuffer(string: "event: mempool\ndata: {}\n\n")
        case .wallet: ByteBuffer(string: "event: wallet\ndata: {}\n\n")
        }
    }

    static func frame(mempoolCount count: Int) -> ByteBuffer {
        ByteBuffer(string: "event: mempool\ndata: {\"count\":\(count)}\n\n")
    }
}

/// The `GET /events` clients served at once, at most `limit`.
final class EventClientSlots: Sendable {
    let limit: Int
    private let inUse = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// A slot, held until the returned value is released; nil when all `limit` are taken.
    func take() -> EventClientSlot? {
        let taken = inUse.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        return taken ? EventClientSlot(self) : nil
    }

    var count: Int { inUse.withLock { $0 } }

    fileprivate func release() { inUse.withLock { $0 -= 1 } }
}

/// One client's slot: freed when the last reference goes.
final class EventClientSlot: Sendable {
    private let slots: EventClientSlots

    fileprivate init(_ slots: EventClientSlots) {
        self.slots = slots
    }

    deinit { slots.release() }
}

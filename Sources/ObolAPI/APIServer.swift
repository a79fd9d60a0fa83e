import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// The HTTP API as a swift-service-lifecycle `Service`: add it to the node's
/// `ServiceGroup`, and it serves until graceful shutdown.
public struct APIServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - host: the address to bind; the default serves only this machine.
    ///   - port: 0 picks a free port, which `onListening` reports.
    ///   - wallet: the key and token the `/wallet` routes use; nil answers them 404 `no-wallet`.
    ///   - onListening: called once the socket is bound, with its port.
    ///   - metrics: exports the metrics `GET /metrics` answers with (Prometheus text); nil answers 404.
    ///     Last, so that a trailing closure is still `onListening`.
    public init(backend: some NodeBackend, host: String = "127.0.0.1", port: Int = 8080,
                options: APIOptions = .init(), wallet: NodeWallet? = nil, logger: Logger = Logger(label: "obol.api"),
                onListening: @escaping @Sendable (Int) async -> Void = { _ in },
                metrics: (@Sendable () -> String)? = nil) {
        application = Application(
            router: buildRouter(backend: backend, options: options, wallet: wallet, metrics: metrics),
            server: .http1(configuration: .init(additionalChannelHandlers: [HTTPParseErrorHandler.Installer()],
                                                 idleTimeout: .nanoseconds(options.idleTimeout.wholeNanoseconds))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "obol",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    public func run() async throws {
        try await application.runUntilCancelled()
    }
}

extension Application {
    /// Serves until the task is cancelled, which is how a service group stops a server: not a failure.
    func runUntilCancelled() async throws {
        do {
            try await run()
        } catch is CancellationError {}
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max` (for a
    /// positive duration, as `APIOptions.idleTimeout` is).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

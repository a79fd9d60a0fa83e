import Hummingbird

/// `GET /metrics`: the text a metrics backend exports, in the Prometheus text format. ObolAPI knows no
/// backend: whoever builds the router passes `export` (the `Obol` module's `PrometheusMetrics.emit`, as
/// `obol node` does). Without one the route answers 404 with the JSON error, as an unknown route would.
enum MetricsRoute {
    /// The Prometheus text exposition format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func response(_ export: (@Sendable () -> String)?) throws(APIError) -> Response {
        guard let export else {
            throw APIError.notFound("this node exports no metrics: it was started without a metrics backend")
        }
        return Response(status: .ok, headers: [.contentType: contentType],
                        body: .init(byteBuffer: ByteBuffer(string: export())))
    }
}

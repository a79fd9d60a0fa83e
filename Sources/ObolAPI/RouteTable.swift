import Hummingbird

/// The routes a router serves, by method and path pattern (`/blocks/:id`), kept beside the router so
/// that a request for a known path with a method it does not serve is answered 405 with an `Allow`
/// header (Hummingbird's router answers it 404), and a query parameter the route does not read is
/// answered 400. Every GET route also answers HEAD.
struct RouteTable: Sendable {
    private var patterns: [(method: HTTPRequest.Method, components: [Substring], query: Set<String>)] = []

    /// A route and the query parameters it reads (any other is refused).
    mutating func add(_ method: HTTPRequest.Method, _ path: String, query: Set<String> = []) {
        patterns.append((method, Self.components(path), query))
    }

    /// The query parameters of `query` that the route serving `method` on `path` does not read (HEAD as
    /// GET), in order; empty when there is no such route.
    func unknownQueryParameters(_ method: HTTPRequest.Method, _ path: String, _ query: [String]) -> (unknown: [String], known: Set<String>) {
        let method = method == .head ? .get : method
        let components = Self.components(path)
        guard let route = patterns.first(where: { $0.method == method && Self.matches($0.components, components) }) else {
            return ([], [])
        }
        return (query.filter { !route.query.contains($0) }, route.query)
    }

    /// The methods some route serves on `path`, HEAD included with GET, in a stable order; empty when
    /// no route has that path.
    func allowedMethods(on path: String) -> [HTTPRequest.Method] {
        let components = Self.components(path)
        var methods: [HTTPRequest.Method] = []
        for route in patterns where Self.matches(route.components, components) {
            if !methods.contains(route.method) { methods.append(route.method) }
            if route.method == .get, !methods.contains(.head) { methods.append(.head) }
        }
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
        return methods.sorted { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
    }

    /// Path components as the router splits them: empty components (a doubled or trailing `/`) dropped.
    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }
}

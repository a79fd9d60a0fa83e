/// Who handed the node a block or a transfer. Events carry it so that relay
/// never sends something back to the peer it came from.
public enum Origin: Sendable, Hashable, CustomStringConvertible {
    /// This node: its miner, its API, an embedder, or its own store.
    case local
    /// The peer with this connection id (ids are never reused while the node runs).
    case peer(UInt64)

    public var description: String {
        switch self {
        case .local: "local"
        case let .peer(id): "peer \(id)"
        }
    }
}

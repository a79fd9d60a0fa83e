/// Why a tracker refused a request. Each code is what `obol tracker` answers in its JSON error.
public struct TrackerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A field is malformed (node id, address, proof).
        case invalidRequest = "invalid-request"
        /// The request is for another network.
        case wrongNetwork = "wrong-network"
        /// The proof does not match the node id.
        case badProof = "bad-proof"
        /// The timestamp is not later than the node's last, or too far from the tracker's clock.
        case staleTimestamp = "stale-timestamp"
        /// A heartbeat or leave for a node that is not listed (it expired or never registered).
        case unknownNode = "unknown-node"
        /// Nothing answered at the address with the node's key.
        case unverifiedAddress = "unverified-address"
        /// The tracker lists as many nodes as it may.
        case full = "tracker-full"
        /// The address's host was dialled back too often lately, or too many dial-backs are running.
        case rateLimited = "rate-limited"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

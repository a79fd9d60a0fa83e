/// Why a block was refused.
public enum BlockRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case rule(ValidationError)
    case invalidAncestor(Hash256)
    case knownInvalid
    case storage(String)
    /// The parent of a header is not known.
    case unknownParent(Hash256)
    /// A header of a batch does not follow the one before it.
    case nonContinuousHeaders
    /// The header forks more than `ChainOptions.maxForkDepth` blocks below
    /// the tip and carries no more work than the tip.
    case forkTooDeep(forkBelow: UInt64)
    /// The header would not be the best header, and the node keeps as many
    /// header-only side entries as it allows (`ChainOptions.maxSideHeaders`).
    case tooManySideHeaders

    public var description: String {
        switch self {
        case let .rule(error): error.description
        case let .invalidAncestor(hash): "descends from invalid block \(hash)"
        case .knownInvalid: "block is known to be invalid"
        case let .storage(message): "storage failure: \(message)"
        case let .unknownParent(hash): "unknown parent \(hash)"
        case .nonContinuousHeaders: "headers do not follow each other"
        case let .forkTooDeep(height): "forks below height \(height) with no more work than the tip"
        case .tooManySideHeaders: "too many headers off the best header chain; try again later"
        }
    }

    /// A short stable name for programs and metrics: the rule's (`ValidationError.rule`) for a broken
    /// consensus rule.
    public var code: String {
        switch self {
        case let .rule(error): error.rule
        case .invalidAncestor: "invalid-ancestor"
        case .knownInvalid: "known-invalid"
        case .storage: "storage"
        case .unknownParent: "unknown-parent"
        case .nonContinuousHeaders: "non-continuous-headers"
        case .forkTooDeep: "fork-too-deep"
        case .tooManySideHeaders: "too-many-side-headers"
        }
    }

    /// True when the sender of the block is at fault (a peer to ban).
    /// Honest races are not: a slightly future timestamp, a parent the sender
    /// knows and we do not yet, a branch that lost (`forkTooDeep`: an honest
    /// peer may still be on it), or our own storage failing.
    public var isPeerFault: Bool {
        switch self {
        case .rule(.timestampTooFarInFuture): false
        case .storage, .unknownParent, .forkTooDeep, .tooManySideHeaders: false
        default: true
        }
    }
}

/// The attacks of the Python design's resilience demonstration, each a class of lie a peer can tell.
public enum AttackKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A block with valid proof of work whose transfer carries a forged signature.
    case badSignature = "bad-signature"
    /// A block whose hash does not meet the target its header claims.
    case badProofOfWork = "bad-proof-of-work"
    /// A block with valid proof of work whose header commits to other transactions than it carries.
    case badMerkleRoot = "bad-merkle-root"
    /// A block mined on a block in the middle of the chain, claiming the height after the tip.
    case splicedBlock = "spliced-block"
    /// A transfer that is already mined, relayed again on its own, then mined into a new block.
    case replayedTransfer = "replayed-transfer"
    /// Two transfers of one sender and nonce to two recipients, relayed to two nodes, then both in one block.
    case doubleSpend = "double-spend"
    /// A chain from genesis that is longer than the honest one but carries less work, every header valid.
    case lowWorkFork = "low-work-fork"

    /// What the attack sends, in a sentence.
    public var summary: String {
        switch self {
        case .badSignature: "a block whose transfer carries a forged signature"
        case .badProofOfWork: "a block whose hash does not meet its target"
        case .badMerkleRoot: "a block whose header commits to other transactions"
        case .splicedBlock: "a block spliced into the middle of the chain"
        case .replayedTransfer: "a mined transfer replayed, alone and in a block"
        case .doubleSpend: "one nonce spent twice, at two nodes and in one block"
        case .lowWorkFork: "a longer chain from genesis with less work"
        }
    }

    /// Whether the attack breaks a consensus rule, so that the node it reaches must discourage the sender.
    /// A valid low-work fork breaks none: honest miners produce stale branches too, so the node keeps it as
    /// a side branch and stays on the chain with the most work.
    public var breaksARule: Bool { self != .lowWorkFork }
}

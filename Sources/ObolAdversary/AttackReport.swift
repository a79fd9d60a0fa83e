/// What one attack sent and saw: the attacker's half of the outcome. The other half, whether the nodes
/// discouraged the sender and stayed on their chain, is read from the nodes (`GET /peers/discouraged`,
/// `GET /status`).
public struct AttackReport: Sendable, Hashable, Codable {
    public var attack: AttackKind
    /// The host the attack's connections came from.
    public var source: String
    /// The nodes it sent to, `HOST:PORT`.
    public var targets: [String]
    /// One line per lie sent.
    public var sent: [String] = []
    /// Whether a node closed the connection after a lie, before answering a ping sent behind it.
    public var dropped = false
    /// Transfers whose fate shows the outcome (hex ids): the replayed one, or the two spends.
    public var transfers: [String] = []
    /// The tip of a fork the attack offered (hex), which no node should adopt.
    public var forkTip: String?
    /// Why the attack could not run, when it could not.
    public var failure: String?

    public init(attack: AttackKind, source: String, targets: [String]) {
        self.attack = attack
        self.source = source
        self.targets = targets
    }
}

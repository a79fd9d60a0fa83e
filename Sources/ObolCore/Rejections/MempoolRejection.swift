/// Why the mempool refused a transfer. The description is meant for people
/// (the HTTP API shows it); `code` is a short stable name for programs.
public enum MempoolRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Breaks a consensus rule of a single transfer (network, amount, fee, data, signature).
    case invalid(ValidationError)
    /// The same transfer is already pending.
    case duplicate
    /// The nonce is already used by a confirmed transfer of this sender.
    case nonceTooLow(expected: UInt64, actual: UInt64)
    /// The nonce skips ahead: pending transfers of a sender form a gap-free chain.
    case nonceGap(expected: UInt64, actual: UInt64)
    /// The balance does not cover this transfer plus the sender's earlier pending ones.
    case insufficientBalance(balance: UInt64, needed: UInt64)
    /// Replaces a pending transfer with the same nonce but does not pay enough more.
    case replacementFeeTooLow(minimum: UInt64, actual: UInt64)
    /// The sender already has `limit` pending transfers (`MempoolConfig.maxPerSender`).
    case tooManyPending(limit: Int)
    /// The mempool is full and the transfer's fee rate does not beat what could be evicted.
    case full

    /// True when the transfer breaks a rule that holds whatever the chain's
    /// state (a bad signature, another network, a malformed amount, fee or
    /// data): a peer that relays it is at fault. Refusals that honest peers
    /// cause by racing the chain or by our own limits are not: a nonce just
    /// mined or skipped ahead, a balance just spent, coins not yet mature, a
    /// duplicate, a replacement that pays too little, a full pool or sender.
    public var isPeerFault: Bool {
        switch self {
        case let .invalid(error):
            switch error {
            case .badNonce, .insufficientBalance, .immatureCoinbaseSpend, .nonceOverflow: false
            default: true
            }
        case .duplicate, .nonceTooLow, .nonceGap, .insufficientBalance, .replacementFeeTooLow, .tooManyPending, .full:
            false
        }
    }

    public var code: String {
        switch self {
        case let .invalid(error): error.rule
        case .duplicate: "duplicate"
        case .nonceTooLow: "nonce-too-low"
        case .nonceGap: "nonce-gap"
        case .insufficientBalance: "insufficient-balance"
        case .replacementFeeTooLow: "replacement-fee-too-low"
        case .tooManyPending: "too-many-pending"
        case .full: "mempool-full"
        }
    }

    public var description: String {
        switch self {
        case let .invalid(error):
            "invalid transfer: \(error)"
        case .duplicate:
            "duplicate: the transfer is already in the mempool"
        case let .nonceTooLow(expected, actual):
            "nonce-too-low: nonce \(actual) is already used; the sender's next nonce is \(expected)"
        case let .nonceGap(expected, actual):
            "nonce-gap: nonce \(actual) skips ahead; the sender's next nonce is \(expected)"
        case let .insufficientBalance(balance, needed):
            "insufficient-balance: needs \(needed) including the sender's pending transfers, balance is \(balance)"
        case let .replacementFeeTooLow(minimum, actual):
            "replacement-fee-too-low: replacing a pending transfer needs a fee of at least \(minimum), got \(actual)"
        case let .tooManyPending(limit):
            "too-many-pending: the sender already has \(limit) pending transfers; wait for some to confirm"
        case .full:
            "mempool-full: the mempool is full and the fee rate is too low to take the place of another transfer"
        }
    }
}

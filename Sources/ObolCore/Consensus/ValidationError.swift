/// One case per consensus rule, so every rule can be tested and logged by name.
public enum ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    // Header
    case proofOfWorkTooWeak
    case invalidTargetEncoding
    case unexpectedTarget(expected: CompactTarget, actual: CompactTarget)
    case unexpectedHeight(expected: UInt64, actual: UInt64)
    case timestampNotAfterMedianTimePast(timestamp: UInt64, median: UInt64)
    case timestampTooFarInFuture(timestamp: UInt64, limit: UInt64)
    // Block
    case blockTooLarge(size: Int, limit: Int)
    case tooManyTransactions(count: Int, limit: Int)
    case merkleRootMismatch
    case firstTransactionNotCoinbase
    case multipleCoinbases
    case duplicateTransaction(Hash256)
    case coinbaseHeightMismatch(expected: UInt64, actual: UInt64)
    case coinbaseDataTooLarge
    // Transaction
    case wrongNetwork(expected: UInt32, actual: UInt32)
    case invalidSignature(Hash256)
    case zeroAmount(Hash256)
    case feeBelowMinimum(Hash256, fee: UInt64, minimum: UInt64)
    case dataTooLarge(Hash256)
    case badNonce(Hash256, expected: UInt64, actual: UInt64)
    case insufficientBalance(Hash256, balance: UInt64, needed: UInt64)
    case amountOverflow(Hash256)
    /// The sender's nonce is already `UInt64.max`: no further transfer can follow.
    case nonceOverflow(Hash256)
    /// The balance covers the cost, but part of it was minted by a coinbase
    /// too recent to spend: `spendable` is what the block may take,
    /// `spendableFrom` the first block height that may take `needed`.
    case immatureCoinbaseSpend(Hash256, spendable: UInt64, needed: UInt64, spendableFrom: UInt64)
    // Connect
    case coinbaseAmountMismatch(expected: UInt64, actual: UInt64)

    /// A short stable name of the rule, for logs and API error codes.
    public var rule: String {
        switch self {
        case .proofOfWorkTooWeak: "pow-too-weak"
        case .invalidTargetEncoding: "bad-bits-encoding"
        case .unexpectedTarget: "bad-target"
        case .unexpectedHeight: "bad-height"
        case .timestampNotAfterMedianTimePast: "time-too-old"
        case .timestampTooFarInFuture: "time-too-new"
        case .blockTooLarge: "block-too-large"
        case .tooManyTransactions: "too-many-transactions"
        case .merkleRootMismatch: "bad-merkle-root"
        case .firstTransactionNotCoinbase: "missing-coinbase"
        case .multipleCoinbases: "multiple-coinbases"
        case .duplicateTransaction: "duplicate-transaction"
        case .coinbaseHeightMismatch: "bad-coinbase-height"
        case .coinbaseDataTooLarge: "coinbase-data-too-large"
        case .wrongNetwork: "wrong-network"
        case .invalidSignature: "bad-signature"
        case .zeroAmount: "zero-amount"
        case .feeBelowMinimum: "fee-too-low"
        case .dataTooLarge: "data-too-large"
        case .badNonce: "bad-nonce"
        case .insufficientBalance: "insufficient-balance"
        case .amountOverflow: "amount-overflow"
        case .nonceOverflow: "nonce-overflow"
        case .immatureCoinbaseSpend: "immature-coinbase-spend"
        case .coinbaseAmountMismatch: "bad-coinbase-amount"
        }
    }

    public var description: String {
        switch self {
        case let .unexpectedTarget(e, a): "\(rule): expected bits \(e), got \(a)"
        case let .unexpectedHeight(e, a): "\(rule): expected height \(e), got \(a)"
        case let .timestampNotAfterMedianTimePast(t, m): "\(rule): timestamp \(t) not after median time past \(m)"
        case let .timestampTooFarInFuture(t, l): "\(rule): timestamp \(t) beyond limit \(l)"
        case let .blockTooLarge(s, l): "\(rule): \(s) bytes, limit \(l)"
        case let .tooManyTransactions(c, l): "\(rule): \(c) transactions, limit \(l)"
        case let .duplicateTransaction(id): "\(rule): \(id)"
        case let .coinbaseHeightMismatch(e, a): "\(rule): expected \(e), got \(a)"
        case let .wrongNetwork(e, a): "\(rule): expected network \(e), got \(a)"
        case let .invalidSignature(id): "\(rule): transaction \(id)"
        case let .zeroAmount(id): "\(rule): transaction \(id)"
        case let .feeBelowMinimum(id, f, m): "\(rule): transaction \(id) pays \(f), minimum \(m)"
        case let .dataTooLarge(id): "\(rule): transaction \(id)"
        case let .badNonce(id, e, a): "\(rule): transaction \(id) has nonce \(a), account expects \(e)"
        case let .insufficientBalance(id, b, n): "\(rule): transaction \(id) needs \(n), balance \(b)"
        case let .amountOverflow(id): "\(rule): transaction \(id)"
        case let .nonceOverflow(id): "\(rule): transaction \(id) uses the account's last nonce"
        case let .immatureCoinbaseSpend(id, s, n, from):
            "\(rule): transaction \(id) needs \(n), but only \(s) is spendable: the rest is newly mined "
                + "coinbase coins, spendable from block \(from)"
        case let .coinbaseAmountMismatch(e, a): "\(rule): expected \(e), got \(a)"
        default: rule
        }
    }
}

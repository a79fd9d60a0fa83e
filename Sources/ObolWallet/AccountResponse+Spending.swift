import ObolCore

extension AccountResponse {
    /// Why a wallet should refuse, before signing, to send `amount` plus
    /// `fee`: the sum fits in the balance but not in its spendable part,
    /// because some of the balance is newly mined (coinbase maturity). Nil
    /// otherwise; more than the balance is `insufficientRefusal`.
    public func immatureRefusal(amount: UInt64, fee: UInt64) -> WalletError? {
        let (needed, overflow) = amount.addingReportingOverflow(fee)
        guard !overflow, needed > spendable, needed <= balance else { return nil }
        let from = spendableHeight(covering: needed).map { "block \($0)" } ?? "a later block"
        return WalletError(code: "immature-coinbase-spend", message:
            "\(CoinAmount.format(needed)) OBOL (amount plus fee) is more than the spendable "
            + "\(CoinAmount.format(spendable)) OBOL: \(CoinAmount.format(immature)) OBOL of the balance "
            + "is newly mined and spendable from \(from)")
    }

    /// Why a wallet should refuse, before signing, to send `amount` plus `fee`: the sum is more than the
    /// whole balance. Says how much could be sent instead. Nil otherwise.
    public func insufficientRefusal(amount: UInt64, fee: UInt64) -> WalletError? {
        let (needed, overflow) = amount.addingReportingOverflow(fee)
        guard overflow || needed > balance else { return nil }
        let most = spendable > fee ? "send at most \(CoinAmount.format(spendable - fee)) OBOL" : "it cannot pay the fee"
        return WalletError(code: "insufficient-balance", message:
            "\(overflow ? "the amount plus the fee" : "\(CoinAmount.format(needed)) OBOL (amount plus fee)") is more "
            + "than the balance of \(CoinAmount.format(balance)) OBOL (\(CoinAmount.format(spendable)) spendable): \(most)")
    }
}

extension AccountResponse {
    /// The most transfers of one account a wallet believes can be waiting in a node's mempool: far above
    /// the mempool's own limit per sender (25 by default), so an honest node never trips it.
    public static let maxPendingTransfers: UInt64 = 64

    /// Why a wallet should refuse to sign with the nonce this node reports, or nil. The next nonce is
    /// `pendingNonce`; a node that reports it below the confirmed `nonce`, or more than
    /// `maxPendingTransfers` above it, is wrong or lying: a malicious node could otherwise have the wallet
    /// sign a transfer with a far-future nonce, which anyone holding it could submit once the account
    /// reaches that nonce, long after the user thought it had failed.
    public func nonceRefusal(node: String) -> WalletError? {
        if pendingNonce < nonce {
            return WalletError(code: "implausible-nonce", message: "the node at \(node) reports a next nonce "
                               + "\(pendingNonce) below the account's confirmed nonce \(nonce); refusing to sign")
        }
        if pendingNonce - nonce > Self.maxPendingTransfers {
            return WalletError(code: "implausible-nonce", message: "the node at \(node) reports a next nonce "
                               + "\(pendingNonce), \(pendingNonce - nonce) above the confirmed nonce \(nonce): more "
                               + "than the \(Self.maxPendingTransfers) pending transfers a wallet accepts; refusing "
                               + "to sign a transfer that could be replayed later")
        }
        return nil
    }
}

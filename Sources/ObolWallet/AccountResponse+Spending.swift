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

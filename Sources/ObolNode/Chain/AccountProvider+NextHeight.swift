import ObolCore

extension ChainActor {
    /// `AccountProvider.nextBlockHeight`: the best tip's height plus one. The
    /// mempool reads it once at start, so that coins which matured before a
    /// restart are spendable before the next block arrives. (Declared `async`
    /// so that a call on a `ChainActor` picks it over the protocol's default.)
    public func nextBlockHeight() async -> UInt64? { tip.height + 1 }
}

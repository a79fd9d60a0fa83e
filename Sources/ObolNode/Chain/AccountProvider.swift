import ObolCore

/// Reads account state at the best tip.
public protocol AccountProvider: Sendable {
    func account(_ address: Address) async -> Account
    /// Several accounts read at once (one hop for a whole batch).
    func accounts(_ addresses: [Address]) async -> [Address: Account]
    /// Several accounts together with the hash of the tip they were read at,
    /// in one hop. A reader that follows the chain's events lags behind the
    /// chain, and can tell from `tip` whether the state matches the tip it
    /// has reached. `tip` is nil when the provider does not know (the
    /// default); the reader then takes the accounts as current.
    func accountsAtTip(_ addresses: [Address]) async -> (tip: Hash256?, accounts: [Address: Account])
    /// The height of the block that would extend the best tip (what newly
    /// mined coins' maturity is reckoned against); nil when unknown (the default).
    func nextBlockHeight() async -> UInt64?
}

extension AccountProvider {
    public func accounts(_ addresses: [Address]) async -> [Address: Account] {
        var result = [Address: Account](minimumCapacity: addresses.count)
        for address in addresses { result[address] = await account(address) }
        return result
    }

    public func accountsAtTip(_ addresses: [Address]) async -> (tip: Hash256?, accounts: [Address: Account]) {
        (nil, await accounts(addresses))
    }

    public func nextBlockHeight() async -> UInt64? { nil }
}

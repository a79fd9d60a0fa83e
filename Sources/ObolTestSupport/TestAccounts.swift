import ObolCore
import ObolNode
import Synchronization

/// Confirmed accounts a test sets directly, in memory. `accountsAtTip`
/// reports the tip set with `set(tip:…)` (nil until one is set, which the
/// mempool takes as "current").
public final class TestAccounts: AccountProvider {
    private let state = Mutex<(tip: Hash256?, accounts: [Address: Account])>((nil, [:]))

    public init(_ initial: [Address: Account] = [:], tip: Hash256? = nil) {
        state.withLock { $0 = (tip, initial) }
    }

    public func set(_ address: Address, _ account: Account) { state.withLock { $0.accounts[address] = account } }

    /// Sets an account and the tip the accounts now belong to.
    public func set(tip: Hash256, _ address: Address, _ account: Account) {
        state.withLock {
            $0.tip = tip
            $0.accounts[address] = account
        }
    }

    public func account(_ address: Address) async -> Account { state.withLock { $0.accounts[address] ?? .empty } }

    public func accountsAtTip(_ addresses: [Address]) async -> (tip: Hash256?, accounts: [Address: Account]) {
        state.withLock { s in
            (s.tip, Dictionary(addresses.map { ($0, s.accounts[$0] ?? .empty) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}

import ArgumentParser
import ObolCore
import ObolWallet

/// `obol wallet balance`: the account's confirmed balance, what of it is spendable
/// (newly mined coins are not, until they mature) and its nonces.
struct WalletBalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "Show the wallet's balance as the node sees it.")

    @Option(help: ArgumentHelp("Show this address instead of the key file's.", valueName: "address"))
    var address: String?

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var node: WalletNodeOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            let owner: Address
            if let address {
                owner = try WalletArguments.address(address, flag: "--address")
            } else {
                let header = try Keystore.readHeader(at: keyFile.path)  // no passphrase needed
                WalletWarning.show(header)
                owner = header.address
            }
            let account = try await node.client().account(owner)
            let waiting = account.transactions.filter { $0.status == .pending }
            let outgoing = waiting.filter { $0.from == owner }
            let incoming = waiting.filter { $0.to == owner && $0.from != owner }
            print("Address: \(account.address)")
            print("Balance: \(CoinAmount.format(account.balance)) OBOL")
            print("Spendable: \(CoinAmount.format(account.spendable)) OBOL")
            for coins in account.maturing {
                print("  newly mined: \(CoinAmount.format(coins.amount)) OBOL, spendable from block \(coins.spendableFrom)")
            }
            if !incoming.isEmpty {
                let total = incoming.reduce(UInt64(0)) { $0 &+ $1.amount }
                print("Incoming: \(CoinAmount.format(total)) OBOL in \(incoming.count) pending transfer"
                      + "\(incoming.count == 1 ? "" : "s") (not in the balance until mined)")
            }
            if !outgoing.isEmpty {
                let total = outgoing.reduce(UInt64(0)) { $0 &+ $1.amount &+ $1.fee }
                print("Outgoing: \(CoinAmount.format(total)) OBOL with fees in \(outgoing.count) pending transfer"
                      + "\(outgoing.count == 1 ? "" : "s")")
            }
            print("Nonce:   \(account.nonce) (next: \(account.pendingNonce), \(outgoing.count) pending)")
        }
    }
}

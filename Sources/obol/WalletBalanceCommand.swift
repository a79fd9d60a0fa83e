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
                owner = try Keystore.load(from: keyFile.path).file.address
            }
            let account = try await node.client().account(owner)
            let pending = account.transactions.filter { $0.status == .pending && $0.from == owner }.count
            print("Address: \(account.address)")
            print("Balance: \(CoinAmount.format(account.balance)) OBOL")
            print("Spendable: \(CoinAmount.format(account.spendable)) OBOL")
            for coins in account.maturing {
                print("  newly mined: \(CoinAmount.format(coins.amount)) OBOL, spendable from block \(coins.spendableFrom)")
            }
            print("Nonce:   \(account.nonce) (next: \(account.pendingNonce), \(pending) pending)")
        }
    }
}

import ArgumentParser
import ObolCore
import ObolWallet

/// `obol wallet send`: sign a transfer with the key file's key and submit it.
struct WalletSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send coins: sign a transfer and submit it to the node; prints its txid.",
        discussion: """
            The nonce is the account's next one counting its pending transfers, and the network id comes \
            from the node, so several sends in a row need no waiting for blocks.
            """)

    @Option(help: ArgumentHelp("The recipient's address (obol1…).", valueName: "address"))
    var to: String

    @Option(help: ArgumentHelp("Coins to send, such as 1.5.", valueName: "coins"))
    var amount: String

    @Option(help: ArgumentHelp("Fee in coins (default: the network's minimum fee).", valueName: "coins"))
    var fee: String?

    @Option(help: ArgumentHelp("A note carried with the transfer (UTF-8, at most 256 bytes).", valueName: "text"))
    var data: String?

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var node: WalletNodeOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            // Everything typed is checked before the key file or the node is touched.
            let recipient = try WalletArguments.address(to, flag: "--to")
            let units = try WalletArguments.amount(amount, flag: "--amount")
            guard units > 0 else {
                throw WalletError(code: "invalid-amount", message: "--amount: must be more than 0")
            }
            let chosenFee = try fee.map { text throws(WalletError) in try WalletArguments.amount(text, flag: "--fee") }
            let payload = try WalletArguments.data(data)
            let client = try node.client()

            let key = try Keystore.load(from: keyFile.path).key
            let status = try await client.status()
            let account = try await client.account(key.publicKey.address)
            let transfer = Transfer.signed(by: key, networkID: status.networkID, to: recipient, amount: units,
                                           fee: chosenFee ?? status.minimumFee, nonce: account.pendingNonce,
                                           data: payload)
            let answer = try await client.submit(transfer)
            print(answer.txid)
        }
    }
}

import ArgumentParser
import Foundation
import ObolCore
import ObolWallet

/// `obol wallet send`: sign a transfer with the key file's key and submit it.
struct WalletSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send coins: sign a transfer and submit it to the node; prints its txid.",
        discussion: """
            The nonce is the account's next one counting its pending transfers, so several sends in a row \
            need no waiting for blocks. An encrypted key file records its network: a node reporting another \
            network name or id is refused, and so is a node reporting a next nonce below the account's \
            confirmed one or more than 64 above it. The passphrase is asked once the node has been checked.
            """)

    @Option(help: ArgumentHelp("The recipient's address (obol1…).", valueName: "address"))
    var to: String

    // `.unconditional`: `--amount -1` is a (refused) amount, not a missing value followed by an option.
    @Option(parsing: .unconditional, help: ArgumentHelp("Coins to send, such as 1.5.", valueName: "coins"))
    var amount: String

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Fee in coins (default: the network's minimum fee, if at most 0.01).", valueName: "coins"))
    var fee: String?

    @Option(help: ArgumentHelp("A note carried with the transfer (UTF-8, at most 256 bytes).", valueName: "text"))
    var data: String?

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var node: WalletNodeOption
    @OptionGroup var passphrase: PassphraseOption

    /// The most `send` pays as a fee without `--fee`: 0.01 OBOL.
    static let defaultFeeCap: UInt64 = ChainParams.coin / 100

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

            let path = keyFile.path
            let header = try Keystore.readHeader(at: path)
            WalletWarning.show(header)
            let status = try await client.status()
            // An encrypted file pins its network: a node of another one is refused before anything is signed.
            // A plain file records none: the node's network id is used.
            if let network = header.network,
               let mismatch = network.mismatch(nodeNetwork: status.network, id: status.networkID, keyFile: path) {
                throw mismatch
            }
            // Without --fee the node's minimum is paid; a node (or a chain spec)
            // asking for more than the cap must be confirmed with --fee.
            if chosenFee == nil, status.minimumFee > Self.defaultFeeCap {
                let asked = CoinAmount.format(status.minimumFee)
                throw WalletError(code: "fee-too-high", message: "the node asks a minimum fee of \(asked) OBOL, more than "
                                  + "the \(CoinAmount.format(Self.defaultFeeCap)) OBOL paid without asking; "
                                  + "pass --fee \(asked) to pay it")
            }
            let fee = chosenFee ?? status.minimumFee
            let account = try await client.account(header.address)
            if let refusal = account.nonceRefusal(node: client.baseURL.absoluteString) { throw refusal }
            if let refusal = account.insufficientRefusal(amount: units, fee: fee)
                ?? account.immatureRefusal(amount: units, fee: fee) { throw refusal }
            // The passphrase is asked last, once the node and the amounts have been checked.
            let reader = passphrase.reader
            let unlocked = try Keystore.unlock(at: path) { () throws(WalletError) in try reader.existing(for: path) }
            guard unlocked.header == header else {
                throw WalletError(code: "key-file-changed", message: "key file \(path) changed while sending; try again")
            }
            let transfer = Transfer.signed(by: unlocked.key, networkID: status.networkID, to: recipient, amount: units,
                                           fee: fee, nonce: account.pendingNonce, data: payload)
            let answer: SubmitTransactionResponse
            do throws(WalletError) {
                answer = try await client.submit(transfer)
            } catch where error.code == "insufficient-balance" {
                // The balance covers this transfer alone, not with the account's other pending ones.
                throw WalletError(code: error.code, message: "the node refused: \(CoinAmount.format(units + fee)) OBOL "
                                  + "(amount plus fee) and this account's pending transfers add up to more than its "
                                  + "balance of \(CoinAmount.format(account.balance)) OBOL; send less, or wait until "
                                  + "the pending transfers are mined")
            } catch {
                throw error
            }
            print(answer.txid)
            // The txid alone on stdout, for scripts; what was signed, for people.
            FileHandle.standardError.write(Data(("sent \(CoinAmount.format(units)) OBOL to \(recipient) with a fee of "
                                                 + "\(CoinAmount.format(fee)) OBOL (nonce \(account.pendingNonce))\n").utf8))
        }
    }
}

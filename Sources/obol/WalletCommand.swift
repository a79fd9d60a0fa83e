import ArgumentParser

/// `obol wallet …`: keys on disk, balances, and sending coins through a
/// node's HTTP API. Register it in the root command's `subcommands:`.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "Keep a key, check a balance and send coins through a node.",
        discussion: """
            The key file is $OBOL_WALLET, or ~/.obol/wallet.json, unless --key-file says otherwise. \
            Amounts are coins with up to 8 decimal places (1 coin = 100000000 base units). \
            The node is $OBOL_NODE, or http://127.0.0.1:8080, unless --node says otherwise. \
            Key files are encrypted; the passphrase comes from --passphrase-file, else $OBOL_PASSPHRASE, \
            else the terminal (docs/WALLET.md).
            """,
        subcommands: [
            WalletNewCommand.self, WalletImportCommand.self, WalletEncryptCommand.self, WalletExportKeyCommand.self,
            WalletAddressCommand.self, WalletBalanceCommand.self, WalletSendCommand.self,
        ])
}

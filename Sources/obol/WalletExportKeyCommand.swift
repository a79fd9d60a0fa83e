import ArgumentParser
import ObolWallet

/// `obol wallet export-key`: the private key in hex on stdout, after the passphrase of an encrypted file.
struct WalletExportKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-key", abstract: "Print the wallet's private key in hex (asks for the passphrase).",
        discussion: "Anyone who sees the key can spend the wallet's coins: mind your terminal and your pipes.")

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var passphrase: PassphraseOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            print(try passphrase.unlock(keyFile.path).key.hex)
        }
    }
}

import ArgumentParser
import ObolWallet

/// `obol wallet address`: the key file's address, alone on a line.
struct WalletAddressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "address", abstract: "Print the wallet's address.")

    @OptionGroup var keyFile: WalletKeyFileOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            // The address is in the file's clear header: no passphrase needed.
            let header = try Keystore.readHeader(at: keyFile.path)
            WalletWarning.show(header)
            print(header.address)
        }
    }
}

import ArgumentParser
import ObolWallet

/// `obol wallet address`: the key file's address, alone on a line.
struct WalletAddressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "address", abstract: "Print the wallet's address.")

    @OptionGroup var keyFile: WalletKeyFileOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            print(try Keystore.load(from: keyFile.path).file.address)
        }
    }
}

import ArgumentParser
import ObolCore
import ObolWallet

/// `obol wallet new`: a fresh random key in a new encrypted key file.
struct WalletNewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create an encrypted key file with a new random key (never overwrites one).")

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var network: WalletNetworkOption
    @OptionGroup var passphrase: PassphraseOption
    @OptionGroup var cost: ScryptCostOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            let network = try network.resolve()
            let path = try keyFile.pathForNewFile()
            let scrypt = try cost.parameters()
            try WalletKeyFileOption.refuseExisting(path)
            let secret = try passphrase.new(for: path)
            let header = try Keystore.create(at: path, key: PrivateKey.generate(), network: network,
                                             passphrase: secret, scrypt: scrypt)
            print("Created key file \(path) (encrypted, network \(network))")
            print("Address: \(header.address)")
        }
    }
}

import ArgumentParser
import ObolCore
import ObolWallet

/// `obol wallet new`: a fresh random key in a new key file.
struct WalletNewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a key file with a new random key (never overwrites one).")

    @OptionGroup var keyFile: WalletKeyFileOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            let path = try keyFile.pathForNewFile()
            let file = try Keystore.create(at: path, key: PrivateKey.generate())
            print("Created key file \(path)")
            print("Address: \(file.address)")
        }
    }
}

import ArgumentParser
import Foundation
import ObolCore
import ObolWallet

/// `obol wallet import --key HEX`: a key file for an existing key, such as
/// the devnet allocation key.
struct WalletImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Create a key file for an existing private key (never overwrites one).",
        discussion: """
            On devnet, the initial allocation's key is public, so anyone can try sending coins:
              obol wallet import --key \(ChainParams.devnetAllocationKeyHex)
            A key typed on the command line may stay in your shell history: use this for test keys.
            """)

    @Option(help: ArgumentHelp("The private key: 64 hex digits.", valueName: "hex"))
    var key: String

    @OptionGroup var keyFile: WalletKeyFileOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            guard let privateKey = try? PrivateKey(hex: key.trimmingCharacters(in: .whitespaces)) else {
                throw WalletError(code: "invalid-key", message: "--key must be 64 hex digits of a valid secp256k1 private key")
            }
            let path = try keyFile.pathForNewFile()
            let file = try Keystore.create(at: path, key: privateKey)
            print("Created key file \(path)")
            print("Address: \(file.address)")
        }
    }
}

import ArgumentParser
import ObolWallet

/// `obol wallet encrypt`: turns a plain (version 1) key file into an encrypted one in place, atomically.
struct WalletEncryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt", abstract: "Encrypt a plain key file in place under a new passphrase.",
        discussion: """
            The encrypted file replaces the plain one atomically (a new file renamed over it), so the path \
            holds one or the other even after a crash. It records --network (devnet by default): `send` then \
            refuses nodes of other networks. The plain file's bytes may remain on the disk's free blocks: if \
            others may have read the disk or its backups, move the coins to a new key instead.
            """)

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var network: WalletNetworkOption
    @OptionGroup var passphrase: PassphraseOption
    @OptionGroup var cost: ScryptCostOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            let network = try network.resolve()
            let scrypt = try cost.parameters()
            let path = keyFile.path
            // Refused before a passphrase is asked: an encrypted file, or no key file at all.
            guard try !Keystore.readHeader(at: path).isEncrypted else {
                throw WalletError(code: "already-encrypted", message: "key file \(path) is already encrypted")
            }
            let secret = try passphrase.new(for: path)
            let header = try Keystore.encryptInPlace(at: path, network: network, passphrase: secret, scrypt: scrypt)
            print("Encrypted key file \(path) (network \(network))")
            print("Address: \(header.address)")
        }
    }
}

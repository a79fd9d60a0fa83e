import ArgumentParser
import Foundation
import ObolCore
import ObolWallet
#if canImport(Glibc)
import Glibc
#endif

/// `obol wallet import`: an encrypted key file for an existing key, such as the devnet allocation key. The
/// key comes from stdin (`--key -`, or no `--key` with stdin not a terminal), from the terminal without
/// echo (no `--key`, stdin a terminal), or from `--key HEX` (for public test keys only).
struct WalletImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Create an encrypted key file for an existing private key (never overwrites one).",
        discussion: """
            The key is read from stdin (one line of 64 hex digits) with --key - or when stdin is not a \
            terminal, else asked on the terminal without echo:
              obol wallet import --key-file ~/.obol/wallets/mine.json < key.txt
            On devnet, the initial allocation's key is public, so anyone can try sending coins:
              obol wallet import --key \(ChainParams.devnetAllocationKeyHex)
            A key typed on the command line may stay in your shell history: use --key HEX for test keys only.
            """)

    @Option(help: ArgumentHelp("The private key: 64 hex digits, or - to read it from stdin.", valueName: "hex"))
    var key: String?

    @OptionGroup var keyFile: WalletKeyFileOption
    @OptionGroup var network: WalletNetworkOption
    @OptionGroup var passphrase: PassphraseOption
    @OptionGroup var cost: ScryptCostOption

    func run() async throws {
        try await WalletFailure.run { () throws(WalletError) in
            let network = try network.resolve()
            let scrypt = try cost.parameters()
            let path = try keyFile.pathForNewFile()
            try WalletKeyFileOption.refuseExisting(path)
            let privateKey = try readKey()
            let secret = try passphrase.new(for: path)
            let header = try Keystore.create(at: path, key: privateKey, network: network, passphrase: secret,
                                             scrypt: scrypt)
            print("Created key file \(path) (encrypted, network \(network))")
            print("Address: \(header.address)")
        }
    }

    private func readKey() throws(WalletError) -> PrivateKey {
        let text: String
        let source: String
        if let key, key != "-" {
            (text, source) = (key, "--key")
        } else if key == "-" || isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true) else {
                throw WalletError(code: "invalid-key", message: "no key on stdin: expected one line of 64 hex digits")
            }
            (text, source) = (line, "the key read from stdin")
        } else if let typed = try TerminalPassphrase.ask(prompt: "Private key (64 hex digits): ", confirm: false) {
            (text, source) = (typed, "the key typed")
        } else {
            throw WalletError(code: "invalid-key", message: "no key: give it on stdin (--key -)")
        }
        guard let privateKey = try? PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw WalletError(code: "invalid-key", message: "\(source) must be 64 hex digits of a valid secp256k1 private key")
        }
        return privateKey
    }
}

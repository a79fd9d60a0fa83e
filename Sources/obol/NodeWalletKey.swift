import ObolCore
import ObolWallet

/// The key of `obol node --wallet FILE`, read once at start and then kept in memory only.
enum NodeWalletKey {
    /// The private key in the key file at `path`, unlocked with a passphrase from `passphrase` when the file
    /// is encrypted (a plain file loads with a warning). A file that records another network than the node's
    /// is refused: its owner meant it for another chain. A failure is one line naming the flag.
    static func load(path: String, passphrase: PassphraseOption, params: ChainParams) throws -> PrivateKey {
        let path = Keystore.expandTilde(path)
        do throws(WalletError) {
            let header = try Keystore.readHeader(at: path)
            if let network = header.network, network.name != params.name || network.id != params.networkID {
                throw WalletError(code: "wrong-network",
                                  message: "key file \(path) belongs to network \(network.name) (id \(network.id)), "
                                      + "this node runs \(params.name) (id \(params.networkID)); start the node with "
                                      + "--network \(network.name), or use a key file of \(params.name)")
            }
            let unlocked = try passphrase.unlock(path)
            guard unlocked.header == header else {
                throw WalletError(code: "key-file-changed", message: "key file \(path) changed while it was read; try again")
            }
            return unlocked.key
        } catch {
            throw CommandFailure("--wallet: \(error.message)")
        }
    }
}

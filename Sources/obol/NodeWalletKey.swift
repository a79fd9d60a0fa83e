import ObolCore
import ObolWallet

/// The key of `obol node --wallet FILE`, read once at start and then kept in memory only.
enum NodeWalletKey {
    /// The private key in the key file at `path`; a failure is one line naming the file and the flag.
    static func load(path: String) throws -> PrivateKey {
        do {
            return try Keystore.load(from: Keystore.expandTilde(path)).key
        } catch {
            throw CommandFailure("--wallet: \(error.message)")
        }
    }
}

import ObolCore

/// The wallet a node holds for its API: a private key, kept in memory only, and the token a client
/// must show to use it (`GET /wallet`, `GET /wallet/transactions`, `POST /wallet/send`).
///
/// Give it to `APIServer` or `buildRouter`; without one, the wallet routes answer 404 `no-wallet`.
/// Sends through one wallet are serialized (signing and submitting), so that concurrent sends carry
/// consecutive nonces.
public final class NodeWallet: Sendable {
    let key: PrivateKey
    /// What `Authorization: Bearer` must carry.
    public let token: APIToken
    /// The wallet's address (where a `--mine` node without `--miner-address` mines to).
    public let address: Address
    let sending = SendGate()

    public init(key: PrivateKey, token: APIToken) {
        self.key = key
        self.token = token
        address = key.publicKey.address
    }
}

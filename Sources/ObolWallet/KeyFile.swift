import ObolCore

/// A plain key file (version 1): the private key unencrypted and, for people
/// reading the file, its address. JSON: `{"version": 1, "address": "obol1…",
/// "privateKey": "<64 hex digits>"}`. Still read, with a warning; the wallet
/// writes encrypted files (`EncryptedKeyFile`, version 2).
public struct KeyFile: Codable, Sendable, Hashable {
    public static let currentVersion = 1

    public var version: Int
    public var address: Address
    public var privateKey: String

    public init(key: PrivateKey) {
        version = Self.currentVersion
        address = key.publicKey.address
        privateKey = key.hex
    }

    /// The key, checked: a valid secp256k1 key whose address is the one written.
    public func key() throws(WalletError) -> PrivateKey {
        guard version == Self.currentVersion else {
            throw WalletError(code: "invalid-key-file", message: "unsupported key file version \(version)")
        }
        guard let key = try? PrivateKey(hex: privateKey) else {
            throw WalletError(code: "invalid-key-file", message: "the private key is not 32 bytes of valid hex")
        }
        guard key.publicKey.address == address else {
            throw WalletError(code: "invalid-key-file", message: "the address does not belong to the private key")
        }
        return key
    }
}

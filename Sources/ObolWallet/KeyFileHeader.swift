import ObolCore

/// What a key file says in clear, read without a passphrase (`Keystore.readHeader`): its version, its
/// address and, for an encrypted file, the network it belongs to.
public struct KeyFileHeader: Sendable, Hashable {
    /// The file's path, as given.
    public var path: String
    /// 1: plain (the private key in hex); 2: encrypted under a passphrase.
    public var version: Int
    public var address: Address
    /// The network the key was created or encrypted for; nil for a plain (version 1) file, which predates
    /// networks being recorded.
    public var network: KeyFileNetwork?

    public init(path: String, version: Int, address: Address, network: KeyFileNetwork?) {
        self.path = path
        self.version = version
        self.address = address
        self.network = network
    }

    /// Whether the key is encrypted (and loading it needs the passphrase).
    public var isEncrypted: Bool { version >= EncryptedKeyFile.version }

    /// For a plain file, the one-line warning to show whenever it is used (naming the file and the command
    /// that encrypts it); nil for an encrypted file.
    public var plainWarning: String? {
        guard !isEncrypted else { return nil }
        return "warning: key file \(path) is not encrypted: anyone who can read it can spend its coins; "
            + "encrypt it with 'obol wallet encrypt --key-file \(path)'"
    }
}

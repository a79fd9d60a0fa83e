import Logging
import ObolCore
import ObolWallet

/// The key a mining node makes for itself when nothing says where mined coins go (no --miner-address,
/// --wallet or PRIVATE_KEY): `DATA_DIR/miner-key.json`, so that the coins can be spent later.
///
/// The node only needs the key's address, and it starts unattended, so it never asks the terminal: the key
/// is encrypted when a passphrase is at hand without asking (--passphrase-file, else `OBOL_PASSPHRASE`), and
/// otherwise written plain with a warning that says how to encrypt it.
enum NodeMinerKey {
    /// The passphrase for a new miner key at `path`, or nil when none is given.
    static func passphrase(_ option: PassphraseOption, for path: String) throws -> String? {
        var reader = option.reader
        reader.terminal = { _, _ in nil }
        let fromEnvironment = reader.environment[PassphraseReader.environmentVariable] ?? ""
        guard option.passphraseFile != nil || !fromEnvironment.isEmpty else { return nil }
        do {
            return try reader.new(for: path)
        } catch {
            throw CommandFailure("the miner key file \(path): \(error.message)")
        }
    }

    /// Writes `key` at `path` (never overwriting): encrypted for `params`' network under `passphrase`, or
    /// plain with a warning.
    static func write(_ key: PrivateKey, at path: String, params: ChainParams, passphrase: String?,
                      logger: Logger) throws {
        do {
            if let passphrase {
                try Keystore.create(at: path, key: key, network: KeyFileNetwork(name: params.name, id: params.networkID),
                                    passphrase: passphrase)
                logger.notice("wrote the miner key, encrypted", metadata: ["path": "\(path)"])
            } else {
                try Keystore.create(at: path, key: key)
                let advice = "encrypt it with 'obol wallet encrypt --key-file \(path)'"
                logger.warning("wrote the miner key in plain text: no passphrase was given (--passphrase-file or OBOL_PASSPHRASE); \(advice)",
                               metadata: ["path": "\(path)"])
            }
        } catch {
            throw CommandFailure("cannot write the miner key file \(path): \(error.message)")
        }
    }
}

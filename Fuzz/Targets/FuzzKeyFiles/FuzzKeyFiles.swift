import Foundation
import FuzzSupport
import ObolCore
import ObolWallet
import ObolWire

/// Key files as they are read back from disk: a wallet key file (the JSON that `Keystore.load` decodes and
/// checks with `KeyFile.key()`, or an encrypted one that `EncryptedKeyFile(json:path:)` checks) and a node's
/// `node.key` (32 raw bytes, `NodeIdentity.load`).
/// Properties: an accepted key file round-trips through JSON; the key it yields writes a key file with the
/// same address and key; a node key of 32 bytes loads and gives back the same 32 bytes.
@main enum FuzzKeyFiles {
    static func main() {
        Fuzz.run { data, size in
            FuzzKeyFiles.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        checkWalletKeyFile(Data(bytes))
        checkEncryptedKeyFile(Data(bytes))
        checkNodeKey(bytes)
    }

    /// An encrypted key file (version 2) as `Keystore` reads it, before any key is derived: an accepted
    /// file has a scrypt cost within the limits and its fields' sizes, and round-trips through its JSON.
    static func checkEncryptedKeyFile(_ json: Data) {
        guard let file = try? EncryptedKeyFile(json: json, path: "fuzz") else { return }
        Fuzz.require(file.scrypt.refusal() == nil, "an accepted file's scrypt cost is within the limits")
        Fuzz.require(file.nonce.count == 12 && file.check.count == 32 && file.ciphertext.count == 48,
                     "an accepted file's byte fields have their sizes")
        let again = try? EncryptedKeyFile(json: Data(file.json()), path: "fuzz")
        Fuzz.require(again == file, "an encrypted key file round-trips through JSON")
    }

    static func checkWalletKeyFile(_ json: Data) {
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: json) else { return }
        let encoded = try! JSONEncoder().encode(file)
        Fuzz.require((try? JSONDecoder().decode(KeyFile.self, from: encoded)) == file, "a key file round-trips through JSON")
        guard let key = try? file.key() else { return }
        let rewritten = KeyFile(key: key)
        Fuzz.require(rewritten.address == file.address, "the key's file names the same address")
        Fuzz.require((try? rewritten.key()) == key, "the key's own file yields the same key")
    }

    static func checkNodeKey(_ bytes: [UInt8]) {
        let keyPair = try? NoiseKeyPair(privateKey: bytes)
        Fuzz.require((keyPair != nil) == (bytes.count == NoiseKeyPair.keyLength), "any 32 bytes are a node key")
        guard let keyPair else { return }
        Fuzz.require(keyPair.privateKeyBytes == bytes, "a node key gives back its 32 bytes")
    }
}

import Foundation
import ObolCore
import ObolWallet
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Encrypted key files (version 2): scrypt then ChaChaPoly, a header in clear that the AEAD authenticates,
/// plain files (version 1) still read with a warning, and in-place encryption. Every file here uses the
/// cheapest accepted scrypt cost (`ScryptParameters.testing`).
@Suite(.timeLimit(.minutes(1))) struct EncryptedKeyFileTests {
    static let network = KeyFileNetwork(ChainParams.devnet)
    static let passphrase = "correct horse battery staple"

    /// A scratch directory and a new encrypted key file in it.
    static func encryptedFile(key: PrivateKey = .generate()) throws -> (dir: String, path: String, key: PrivateKey) {
        let dir = KeystoreTests.scratchDirectory()
        let path = dir + "/wallet.json"
        try Keystore.create(at: path, key: key, network: network, passphrase: passphrase, scrypt: .testing)
        return (dir, path, key)
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(try text(path).utf8)) as? [String: Any])
    }

    static func write(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        unlink(path)
        #expect(FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]))
    }

    @Test func roundTripGivesTheKeyBackAndTheHeaderNeedsNoPassphrase() throws {
        let (dir, path, key) = try Self.encryptedFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = try Keystore.readHeader(at: path)
        #expect(header.isEncrypted && header.version == 2 && header.plainWarning == nil)
        #expect(header.address == key.publicKey.address)
        #expect(header.network == Self.network)
        var asked = 0
        let unlocked = try Keystore.unlock(at: path) { () throws(WalletError) in
            asked += 1
            return Self.passphrase
        }
        #expect(unlocked.key == key && asked == 1)
        #expect(unlocked.header == header)
        #expect(KeystoreTests.mode(path) == 0o600)
        let text = try Self.text(path)
        #expect(!text.contains(key.hex), "no plaintext key in the file")
        #expect(text.contains(key.publicKey.address.description) && text.contains("\"network\" : \"devnet\""))
    }

    @Test func aWrongPassphraseIsOneClearError() throws {
        let (dir, path, _) = try Self.encryptedFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for wrong in ["correct horse battery stapler", "", "Correct horse battery staple"] {
            let error = #expect(throws: WalletError.self) {
                try Keystore.unlock(at: path) { () throws(WalletError) in wrong }
            }
            #expect(error?.code == "wrong-passphrase")
            #expect(error?.message == "wrong passphrase for key file \(path)")
        }
    }

    /// The passphrase is normalized (NFC): "é" typed as one code point or as "e" and a combining accent
    /// opens the same file.
    @Test func composedAndDecomposedAccentsAreTheSamePassphrase() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        let key = PrivateKey.generate()
        try Keystore.create(at: path, key: key, network: Self.network, passphrase: "caf\u{E9}", scrypt: .testing)
        #expect(try Keystore.unlock(at: path) { () throws(WalletError) in "cafe\u{301}" }.key == key)
    }

    /// Each field of the header, edited: decryption fails with a clear error, never a key. The address and
    /// the network are checked by nothing but the AEAD's associated data, so this test fails if it stops
    /// covering them; the kdf fields and `check` change what the passphrase derives, so they read as a wrong
    /// passphrase.
    @Test(arguments: [
        ("address", "tampered-key-file"), ("network", "tampered-key-file"), ("networkID", "tampered-key-file"),
        ("cipher.nonce", "tampered-key-file"), ("ciphertext", "tampered-key-file"),
        ("kdf.salt", "wrong-passphrase"), ("kdf.log2N", "wrong-passphrase"), ("kdf.r", "wrong-passphrase"),
        ("kdf.p", "wrong-passphrase"), ("check", "wrong-passphrase"), ("version", "invalid-key-file"),
    ])
    func everyEditedHeaderFieldIsRefused(field: String, code: String) throws {
        let (dir, path, _) = try Self.encryptedFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var object = try Self.json(path)
        func flipHex(_ hex: String) -> String { (hex.first == "0" ? "1" : "0") + hex.dropFirst() }
        switch field {
        case "address": object["address"] = PrivateKey.generate().publicKey.address.description
        case "network": object["network"] = "test"
        case "networkID": object["networkID"] = Int(ChainParams.test.networkID)
        case "version": object["version"] = 1
        case "check", "ciphertext": object[field] = flipHex(try #require(object[field] as? String))
        default:
            let parts = field.split(separator: ".").map(String.init)
            var inner = try #require(object[parts[0]] as? [String: Any])
            switch parts[1] {
            case "log2N": inner["log2N"] = 11
            case "r": inner["r"] = 4
            case "p": inner["p"] = 2
            default: inner[parts[1]] = flipHex(try #require(inner[parts[1]] as? String))
            }
            object[parts[0]] = inner
        }
        try Self.write(object, to: path)
        let error = #expect(throws: WalletError.self) {
            try Keystore.unlock(at: path) { () throws(WalletError) in Self.passphrase }
        }
        #expect(error?.code == code, "\(field): \(String(describing: error))")
        #expect(error?.message.contains(path) == true)
    }

    /// The associated data changes with every field but the ciphertext (which the AEAD covers itself).
    @Test func theAssociatedDataCoversEveryHeaderField() throws {
        let file = try EncryptedKeyFile.encrypt(.generate(), network: Self.network, passphrase: "x", scrypt: .testing)
        let edits: [(inout EncryptedKeyFile) -> Void] = [
            { $0.address = PrivateKey.generate().publicKey.address }, { $0.network.name = "other" },
            { $0.network.id &+= 1 }, { $0.scrypt.log2N += 1 }, { $0.scrypt.r += 1 }, { $0.scrypt.p += 1 },
            { $0.salt[0] ^= 1 }, { $0.nonce[0] ^= 1 }, { $0.check[0] ^= 1 },
        ]
        for edit in edits {
            var edited = file
            edit(&edited)
            #expect(edited.associatedData != file.associatedData)
        }
        var ciphertextOnly = file
        ciphertextOnly.ciphertext[0] ^= 1
        #expect(ciphertextOnly.associatedData == file.associatedData)
    }

    /// A hostile file cannot make the wallet allocate gigabytes: its scrypt cost is refused on reading,
    /// before any passphrase is asked.
    @Test(arguments: [(30, 8, 1), (20, 16, 1), (17, 1024, 1), (17, 8, 1_000_000), (0, 8, 1), (17, 0, 1), (20, 8, 4)])
    func absurdScryptParametersAreRefused(log2N: Int, r: Int, p: Int) throws {
        let (dir, path, _) = try Self.encryptedFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var object = try Self.json(path)
        var kdf = try #require(object["kdf"] as? [String: Any])
        kdf["log2N"] = log2N
        kdf["r"] = r
        kdf["p"] = p
        object["kdf"] = kdf
        try Self.write(object, to: path)
        let error = #expect(throws: WalletError.self) {
            try Keystore.unlock(at: path) { () throws(WalletError) in
                Issue.record("no passphrase is asked for a refused file")
                return Self.passphrase
            }
        }
        #expect(error?.code == "unsupported-kdf-parameters")
        #expect(error?.message.contains(path) == true)
        #expect(throws: WalletError.self) { try Keystore.readHeader(at: path) }
        #expect(ScryptParameters(log2N: log2N, r: r, p: p).refusal() != nil)
    }

    @Test func theStandardCostIsAccepted() {
        #expect(ScryptParameters.standard.refusal() == nil)
        #expect(ScryptParameters.testing.refusal() == nil)
        #expect(ScryptParameters.standard.memoryBytes == 128 << 20)
    }

    @Test func aPlainFileStillLoadsWithoutPassphraseAndWarns() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plain.json"
        let key = PrivateKey.generate()
        try Keystore.create(at: path, key: key)
        let unlocked = try Keystore.unlock(at: path) { () throws(WalletError) in
            Issue.record("a plain file needs no passphrase")
            return ""
        }
        #expect(unlocked.key == key)
        #expect(!unlocked.header.isEncrypted && unlocked.header.network == nil)
        let warning = try #require(unlocked.header.plainWarning)
        #expect(warning.contains("key file \(path) is not encrypted"))
        #expect(warning.contains("obol wallet encrypt --key-file \(path)"))
    }

    @Test func encryptInPlaceReplacesThePlainFileAndRefusesToDoItTwice() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wallet.json"
        let key = PrivateKey.generate()
        try Keystore.create(at: path, key: key)
        let header = try Keystore.encryptInPlace(at: path, network: Self.network, passphrase: Self.passphrase,
                                                 scrypt: .testing)
        #expect(header.isEncrypted && header.address == key.publicKey.address && header.network == Self.network)
        #expect(KeystoreTests.mode(path) == 0o600)
        #expect(!(try Self.text(path)).contains(key.hex))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["wallet.json"], "no temporary file left")
        #expect(try Keystore.unlock(at: path) { () throws(WalletError) in Self.passphrase }.key == key)
        let again = #expect(throws: WalletError.self) {
            try Keystore.encryptInPlace(at: path, network: Self.network, passphrase: "other", scrypt: .testing)
        }
        #expect(again?.code == "already-encrypted")
        #expect(try Keystore.unlock(at: path) { () throws(WalletError) in Self.passphrase }.key == key)
    }

    /// Renaming over one name would leave the plain key readable through a symbolic or hard link.
    @Test func encryptInPlaceRefusesLinkedFiles() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plain.json"
        try Keystore.create(at: path, key: .generate())
        try FileManager.default.createSymbolicLink(atPath: dir + "/symbolic.json", withDestinationPath: path)
        try FileManager.default.linkItem(atPath: path, toPath: dir + "/hard.json")
        for name in ["symbolic.json", "hard.json", "plain.json"] {
            let error = #expect(throws: WalletError.self) {
                try Keystore.encryptInPlace(at: dir + "/" + name, network: Self.network, passphrase: "p", scrypt: .testing)
            }
            #expect(error?.code == "key-file-link", "\(name)")
        }
        #expect(!(try Keystore.readHeader(at: path)).isEncrypted)
    }

    @Test func loadRefusesAnEncryptedFileAndUnknownVersionsAreNamed() throws {
        let (dir, path, _) = try Self.encryptedFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect((#expect(throws: WalletError.self) { try Keystore.load(from: path) })?.code == "passphrase-needed")
        var object = try Self.json(path)
        object["version"] = 3
        try Self.write(object, to: path)
        let error = #expect(throws: WalletError.self) { try Keystore.readHeader(at: path) }
        #expect(error?.message.contains("unsupported version 3") == true)
    }

    @Test func anOversizedFileIsRefusedUnread() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/big.json"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: 1 << 20),
                                               attributes: [.posixPermissions: 0o600]))
        #expect((#expect(throws: WalletError.self) { try Keystore.readHeader(at: path) })?.code == "invalid-key-file")
    }

    @Test func creatingRefusesAnEmptyPassphrase() throws {
        let dir = KeystoreTests.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = #expect(throws: WalletError.self) {
            try Keystore.create(at: dir + "/w.json", key: .generate(), network: Self.network, passphrase: "",
                                scrypt: .testing)
        }
        #expect(error?.code == "empty-passphrase")
        #expect(!FileManager.default.fileExists(atPath: dir + "/w.json"))
    }
}

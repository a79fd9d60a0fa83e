import Foundation
import ObolCore

extension EncryptedKeyFile {
    /// The JSON shape on disk, before its fields are checked.
    struct Document: Codable {
        struct KDF: Codable {
            var name: String
            var log2N: Int
            var r: Int
            var p: Int
            var salt: String
        }

        struct Cipher: Codable {
            var name: String
            var nonce: String
        }

        var version: Int
        var address: Address
        var network: String
        var networkID: UInt32
        var kdf: KDF
        var cipher: Cipher
        var check: String
        var ciphertext: String
    }

    /// The file as pretty-printed JSON with sorted keys and a final newline.
    public func json() -> [UInt8] {
        let document = Document(
            version: Self.version, address: address, network: network.name, networkID: network.id,
            kdf: .init(name: Self.kdfName, log2N: scrypt.log2N, r: scrypt.r, p: scrypt.p, salt: Hex.encode(salt)),
            cipher: .init(name: Self.cipherName, nonce: Hex.encode(nonce)), check: Hex.encode(check),
            ciphertext: Hex.encode(ciphertext))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and an Address: encoding cannot fail.
        return Array(try! encoder.encode(document)) + [UInt8(ascii: "\n")]
    }

    /// Reads and checks an encrypted key file's JSON (`path` is named in errors). Every field is checked
    /// here, before any key is derived: the names of the algorithms, the lengths of the byte fields, and the
    /// scrypt cost (within `ScryptParameters.Limits`, so a hostile file cannot make the wallet allocate
    /// gigabytes).
    public init(json: Data, path: String) throws(WalletError) {
        func invalid(_ why: String) -> WalletError {
            WalletError(code: "invalid-key-file", message: "key file \(path): \(why)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw invalid("not a valid encrypted key file (version 2): \(Self.describe(error))")
        }
        guard document.version == Self.version else { throw invalid("version \(document.version) is not 2") }
        guard document.kdf.name == Self.kdfName else { throw invalid("unsupported kdf \"\(document.kdf.name)\"") }
        guard document.cipher.name == Self.cipherName else {
            throw invalid("unsupported cipher \"\(document.cipher.name)\"")
        }
        guard !document.network.isEmpty, document.network.utf8.count <= 64 else {
            throw invalid("the network name must be 1 to 64 bytes")
        }
        let scrypt = ScryptParameters(log2N: document.kdf.log2N, r: document.kdf.r, p: document.kdf.p)
        if let refusal = scrypt.refusal(path: path) { throw refusal }
        func bytes(_ text: String, _ field: String, _ counts: ClosedRange<Int>) throws(WalletError) -> [UInt8] {
            guard text.utf8.count <= 2 * counts.upperBound, let raw = Hex.decode(text), counts.contains(raw.count) else {
                let size = counts.count == 1 ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw invalid("\(field) must be \(size) bytes of hex")
            }
            return raw
        }
        let keyAndTag = 32 + Self.tagBytes
        self.init(address: document.address, network: KeyFileNetwork(name: document.network, id: document.networkID),
                  scrypt: scrypt, salt: try bytes(document.kdf.salt, "kdf.salt", Self.acceptedSaltBytes),
                  nonce: try bytes(document.cipher.nonce, "cipher.nonce", Self.nonceBytes...Self.nonceBytes),
                  check: try bytes(document.check, "check", 32...32),
                  ciphertext: try bytes(document.ciphertext, "ciphertext", keyAndTag...keyAndTag))
    }

    /// A decoding error in a few words: the field and what was wrong with it.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "field \(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context)? where !context.codingPath.isEmpty:
            return "field \(path(context.codingPath)) is not valid"
        default:
            return "not JSON"
        }
    }
}

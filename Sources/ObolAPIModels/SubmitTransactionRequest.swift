import ObolCore

/// `POST /transactions`: a signed transfer, in one of two forms.
///
/// - `{"raw": "<hex>"}`: the canonical binary encoding of the transfer
///   (what `Transfer.encoded` gives; the wallet sends this form).
/// - The fields of a signed transfer: `networkID`, `senderKey` (hex of the
///   33-byte compressed key), `to` (address), `amount`, `fee`, `nonce`,
///   `data` (hex, optional, default empty) and `signature` (hex, 64 bytes).
///
/// Giving both forms at once is an error.
public struct SubmitTransactionRequest: Codable, Sendable, Hashable {
    public var raw: String?
    public var networkID: UInt32?
    public var senderKey: String?
    public var to: String?
    public var amount: UInt64?
    public var fee: UInt64?
    public var nonce: UInt64?
    public var data: String?
    public var signature: String?

    public init(raw: String? = nil, networkID: UInt32? = nil, senderKey: String? = nil, to: String? = nil,
                amount: UInt64? = nil, fee: UInt64? = nil, nonce: UInt64? = nil, data: String? = nil,
                signature: String? = nil) {
        self.raw = raw
        self.networkID = networkID
        self.senderKey = senderKey
        self.to = to
        self.amount = amount
        self.fee = fee
        self.nonce = nonce
        self.data = data
        self.signature = signature
    }

    /// The raw form of `transfer`.
    public init(raw transfer: Transfer) {
        self.init(raw: Hex.encode(transfer.encoded))
    }

    /// The field form of `transfer`.
    public init(fields transfer: Transfer) {
        self.init(networkID: transfer.networkID, senderKey: Hex.encode(transfer.sender.bytes),
                  to: transfer.recipient.description, amount: transfer.amount, fee: transfer.fee,
                  nonce: transfer.nonce, data: Hex.encode(transfer.data), signature: Hex.encode(transfer.signature.bytes))
    }

    private var hasFields: Bool {
        networkID != nil || senderKey != nil || to != nil || amount != nil || fee != nil || nonce != nil
            || data != nil || signature != nil
    }

    /// The transfer this request carries. Checks the form only (hex, lengths,
    /// the address checksum, the key's encoding); the node's rules (signature,
    /// nonce, balance, fee) are checked when it is submitted.
    public func transfer() throws(InvalidRequest) -> Transfer {
        if let raw {
            guard !hasFields else {
                throw InvalidRequest(code: "invalid-request", message: "give either \"raw\" or the transfer's fields, not both")
            }
            guard let bytes = Hex.decode(raw) else {
                throw InvalidRequest(code: "invalid-hex", message: "raw: not an even-length hex string")
            }
            do {
                return try Transfer(decoding: bytes)
            } catch {
                throw InvalidRequest(code: "invalid-transfer", message: "raw: \(error)")
            }
        }
        guard hasFields else {
            throw InvalidRequest(code: "invalid-request", message: "expected \"raw\" or the fields of a signed transfer")
        }
        let networkID = try require(networkID, "networkID")
        let keyHex = try require(senderKey, "senderKey")
        let toText = try require(to, "to")
        let amount = try require(amount, "amount")
        let fee = try require(fee, "fee")
        let nonce = try require(nonce, "nonce")
        let signatureHex = try require(signature, "signature")

        guard let keyBytes = Hex.decode(keyHex), let sender = try? PublicKey(bytes: keyBytes) else {
            throw InvalidRequest(code: "invalid-key", message: "senderKey: not a 33-byte compressed secp256k1 public key in hex")
        }
        guard let recipient = Address(toText) else {
            throw InvalidRequest(code: "invalid-address",
                                 message: "to: \"\(InvalidRequest.clip(toText))\" is not a valid obol address (wrong prefix, length or checksum)")
        }
        guard let data = Hex.decode(self.data ?? "") else {
            throw InvalidRequest(code: "invalid-hex", message: "data: not an even-length hex string")
        }
        guard data.count <= Limits.maxTransferData else {
            throw InvalidRequest(code: "invalid-transfer",
                                 message: "data: \(data.count) bytes, at most \(Limits.maxTransferData) allowed")
        }
        guard let signatureBytes = Hex.decode(signatureHex), let signature = Signature(bytes: signatureBytes) else {
            throw InvalidRequest(code: "invalid-hex", message: "signature: not 64 bytes of hex")
        }
        return Transfer(networkID: networkID, sender: sender, recipient: recipient, amount: amount, fee: fee,
                        nonce: nonce, data: data, signature: signature)
    }

    private func require<T>(_ value: T?, _ name: String) throws(InvalidRequest) -> T {
        guard let value else { throw InvalidRequest(code: "invalid-request", message: "missing field \"\(name)\"") }
        return value
    }
}

/// A request that is malformed before any rule of the node is consulted
/// (the API answers it with 400).
public struct InvalidRequest: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Echoes at most 100 characters of user input in a message.
    static func clip(_ text: some StringProtocol) -> String {
        text.count <= 100 ? String(text) : String(text.prefix(100)) + "…"
    }
}

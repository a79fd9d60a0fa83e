import ObolCore

/// `POST /wallet/send`: what the node wallet should sign and submit.
///
/// `to` and `amount` (base units, more than 0) are required; `fee` defaults to the network's minimum
/// fee; `data` is UTF-8 text of at most `Limits.maxTransferData` bytes (default empty); `nonce`, when
/// given, must be the wallet's next nonce (the client signs what it showed, or nothing).
public struct WalletSendRequest: Codable, Sendable, Hashable {
    public var to: String?
    public var amount: UInt64?
    public var fee: UInt64?
    public var data: String?
    public var nonce: UInt64?

    public init(to: String? = nil, amount: UInt64? = nil, fee: UInt64? = nil, data: String? = nil,
                nonce: UInt64? = nil) {
        self.to = to
        self.amount = amount
        self.fee = fee
        self.data = data
        self.nonce = nonce
    }

    /// What to sign, the request's form checked (`to` an address, `amount` above 0, `data` short
    /// enough); the node's rules (balance, fee) are checked when the signed transfer is submitted.
    public func payment(minimumFee: UInt64) throws(InvalidRequest) -> WalletPayment {
        guard let to else { throw InvalidRequest(code: "invalid-request", message: "missing field \"to\"") }
        guard let amount else { throw InvalidRequest(code: "invalid-request", message: "missing field \"amount\"") }
        guard let recipient = Address(to) else {
            throw InvalidRequest(code: "invalid-address",
                                 message: "to: \"\(InvalidRequest.clip(to))\" is not a valid obol address (wrong prefix, length or checksum)")
        }
        guard amount > 0 else {
            throw InvalidRequest(code: "invalid-amount", message: "amount: must be more than 0 base units")
        }
        let bytes = Array((data ?? "").utf8)
        guard bytes.count <= Limits.maxTransferData else {
            throw InvalidRequest(code: "invalid-data",
                                 message: "data: \(bytes.count) bytes of UTF-8, at most \(Limits.maxTransferData) allowed")
        }
        return WalletPayment(recipient: recipient, amount: amount, fee: fee ?? minimumFee, data: bytes)
    }
}

/// A checked `WalletSendRequest`: everything of the transfer but the nonce and the signature.
public struct WalletPayment: Sendable, Hashable {
    public var recipient: Address
    public var amount: UInt64
    public var fee: UInt64
    public var data: [UInt8]

    public init(recipient: Address, amount: UInt64, fee: UInt64, data: [UInt8]) {
        self.recipient = recipient
        self.amount = amount
        self.fee = fee
        self.data = data
    }
}

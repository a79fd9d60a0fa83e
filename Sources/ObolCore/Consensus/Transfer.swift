/// A signed payment from one account to an address.
///
/// The id is the double SHA-256 of the canonical encoding without the
/// signature, so it cannot be malleated. The signature covers a
/// domain-separated hash of that id; the encoding includes the network id,
/// so a transfer cannot be replayed on another network, and the sender nonce
/// stops it being replayed on this one.
public struct Transfer: Sendable, Hashable {
    public static let typeTag: UInt8 = 1
    /// Encoded size without data payload: type, network, key, recipient,
    /// amount, fee, nonce, data length, signature.
    public static let baseSize = 1 + 4 + 33 + Address.size + 8 + 8 + 8 + 2 + 64
    public static let signatureDomain = Array("obol/transfer-signature/v1".utf8)

    public let networkID: UInt32
    public let sender: PublicKey
    public let recipient: Address
    public let amount: UInt64
    public let fee: UInt64
    public let nonce: UInt64
    public let data: [UInt8]
    public let signature: Signature
    /// Double SHA-256 of the unsigned encoding.
    public let id: Hash256
    /// Double SHA-256 of the whole encoding, signature included (Bitcoin's
    /// wtxid). Blocks commit to it in their Merkle root, so a copy of a block
    /// with a changed signature has another root, and relay names transfers
    /// by it, so a broken copy cannot stand in for a good one. Both hashes are
    /// computed once, from one encoding, when the transfer is made (as Bitcoin
    /// Core's `CTransaction` does).
    public let fullHash: Hash256
    public let senderAddress: Address

    public init(networkID: UInt32, sender: PublicKey, recipient: Address, amount: UInt64, fee: UInt64,
                nonce: UInt64, data: [UInt8] = [], signature: Signature) {
        self.networkID = networkID
        self.sender = sender
        self.recipient = recipient
        self.amount = amount
        self.fee = fee
        self.nonce = nonce
        self.data = data
        self.signature = signature
        // Both encodings are one stack buffer (at most 476 bytes): the unsigned
        // one is its prefix.
        (id, fullHash) = withUnsafeTemporaryAllocation(byteCount: Self.baseSize + data.count, alignment: 8) { buffer in
            var sink = FixedByteSink(buffer)
            Self.writeUnsigned(&sink, networkID, sender, recipient, amount, fee, nonce, data)
            let unsigned = sink.written
            sink.append(signature)
            return (SHA256d.hash(unsigned), SHA256d.hash(sink.written))
        }
        senderAddress = sender.address
    }

    /// Builds and signs a transfer with `key`.
    public static func signed(by key: PrivateKey, networkID: UInt32, to recipient: Address, amount: UInt64,
                              fee: UInt64, nonce: UInt64, data: [UInt8] = []) -> Transfer {
        let unsigned = Transfer(networkID: networkID, sender: key.publicKey, recipient: recipient, amount: amount,
                                fee: fee, nonce: nonce, data: data, signature: .empty)
        return unsigned.withSignature(key.sign(digest: unsigned.signatureDigest))
    }

    /// The same transfer with another signature (the id does not change).
    public func withSignature(_ signature: Signature) -> Transfer {
        Transfer(networkID: networkID, sender: sender, recipient: recipient, amount: amount, fee: fee,
                 nonce: nonce, data: data, signature: signature)
    }

    /// What the sender signs: SHA-256 of a domain tag and the id.
    public var signatureDigest: Hash256 {
        let id = id
        return Self.signatureDomain.withUnsafeBytes { domain in
            hashEncoding(capacity: domain.count + 32, double: false) { sink in
                sink.append(raw: domain)
                sink.append(id)
            }
        }
    }

    public var hasValidSignature: Bool { sender.isValidSignature(signature, for: signatureDigest) }

    /// Encoded size in bytes.
    public var size: Int { Self.baseSize + data.count }

    /// amount + fee, or nil when it overflows.
    public var totalCost: UInt64? {
        let (sum, overflow) = amount.addingReportingOverflow(fee)
        return overflow ? nil : sum
    }

    @inline(__always)
    private static func writeUnsigned<Sink: ByteSink>(_ w: inout Sink, _ networkID: UInt32, _ sender: PublicKey,
                                                      _ recipient: Address, _ amount: UInt64, _ fee: UInt64,
                                                      _ nonce: UInt64, _ data: [UInt8]) {
        w.append(typeTag)
        w.append(networkID)
        w.append(sender)
        w.append(recipient)
        w.append(amount)
        w.append(fee)
        w.append(nonce)
        w.appendShortBytes(data)
    }
}

extension Transfer: BinaryCodable {
    public func encode(to writer: inout ByteWriter) {
        Self.writeUnsigned(&writer, networkID, sender, recipient, amount, fee, nonce, data)
        writer.write(signature)
    }

    public var encodingCapacity: Int { size }

    /// Decodes a transfer whose type byte has already been checked by the caller
    /// or is next in the reader.
    public init(from reader: inout ByteReader) throws(DecodeError) {
        let type = try reader.read(UInt8.self)
        guard type == Self.typeTag else { throw .unknownType(field: "transfer", value: type) }
        let networkID = try reader.read(UInt32.self)
        let sender = try reader.readPublicKey()
        let recipient = try reader.readAddress()
        let amount = try reader.read(UInt64.self)
        let fee = try reader.read(UInt64.self)
        let nonce = try reader.read(UInt64.self)
        let data = try reader.readShortBytes(field: "transfer.data", limit: Limits.maxTransferData)
        let signature = try reader.readSignature()
        self.init(networkID: networkID, sender: sender, recipient: recipient, amount: amount, fee: fee,
                  nonce: nonce, data: data, signature: signature)
    }
}

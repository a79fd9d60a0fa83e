/// Any transaction in a block.
public enum Transaction: Sendable, Hashable, BinaryCodable {
    case coinbase(Coinbase)
    case transfer(Transfer)

    public var id: Hash256 {
        switch self {
        case let .coinbase(c): c.id
        case let .transfer(t): t.id
        }
    }

    /// What the block's Merkle tree commits to: a transfer's `fullHash`
    /// (signature included); a coinbase has no signature, so its id.
    public var fullHash: Hash256 {
        switch self {
        case let .coinbase(c): c.id
        case let .transfer(t): t.fullHash
        }
    }

    public var size: Int {
        switch self {
        case let .coinbase(c): c.size
        case let .transfer(t): t.size
        }
    }

    public var transfer: Transfer? {
        if case let .transfer(t) = self { t } else { nil }
    }

    public var coinbase: Coinbase? {
        if case let .coinbase(c) = self { c } else { nil }
    }

    public var encodingCapacity: Int { size }

    public func encode(to writer: inout ByteWriter) {
        switch self {
        case let .coinbase(c): c.encode(to: &writer)
        case let .transfer(t): t.encode(to: &writer)
        }
    }

    public init(from reader: inout ByteReader) throws(DecodeError) {
        var peek = reader
        let type = try peek.read(UInt8.self)
        switch type {
        case Coinbase.typeTag: self = .coinbase(try Coinbase(from: &reader))
        case Transfer.typeTag: self = .transfer(try Transfer(from: &reader))
        default: throw .unknownType(field: "transaction", value: type)
        }
    }
}

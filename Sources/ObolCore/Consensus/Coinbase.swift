/// The block's mint transaction: first in every block, paying the block
/// reward plus the block's fees to the miner. It carries the block height,
/// so no two coinbases share an id.
public struct Coinbase: Sendable, Hashable, BinaryCodable {
    public static let typeTag: UInt8 = 0
    public static let baseSize = 1 + 4 + 8 + Address.size + 8 + 2

    public let networkID: UInt32
    public let height: UInt64
    public let recipient: Address
    public let amount: UInt64
    public let data: [UInt8]

    public init(networkID: UInt32, height: UInt64, recipient: Address, amount: UInt64, data: [UInt8] = []) {
        self.networkID = networkID
        self.height = height
        self.recipient = recipient
        self.amount = amount
        self.data = data
    }

    public var id: Hash256 {
        hashEncoding(capacity: size, double: true) { sink in
            sink.append(Self.typeTag)
            sink.append(networkID)
            sink.append(height)
            sink.append(recipient)
            sink.append(amount)
            sink.appendShortBytes(data)
        }
    }

    public var encodingCapacity: Int { size }
    public var size: Int { Self.baseSize + data.count }

    public func encode(to w: inout ByteWriter) {
        w.write(Self.typeTag)
        w.write(networkID)
        w.write(height)
        w.write(recipient)
        w.write(amount)
        w.writeShortBytes(data)
    }

    public init(from reader: inout ByteReader) throws(DecodeError) {
        let type = try reader.read(UInt8.self)
        guard type == Self.typeTag else { throw .unknownType(field: "coinbase", value: type) }
        networkID = try reader.read(UInt32.self)
        height = try reader.read(UInt64.self)
        recipient = try reader.readAddress()
        amount = try reader.read(UInt64.self)
        data = try reader.readShortBytes(field: "coinbase.data", limit: Limits.maxCoinbaseData)
    }
}

/// What undoes one connected block: every touched account's previous value
/// (nil when the account did not exist), maturity locks included.
///
/// Encoding (format 2, with locks): a count, then per address in order the
/// address, a flag (0: absent, 1: present) and for a present account its
/// balance, nonce and locks (`Account.encodeLocks`).
public struct BlockUndo: Sendable, Hashable, BinaryCodable {
    public var previous: [Address: Account?]

    public init(previous: [Address: Account?]) { self.previous = previous }

    public var encodingCapacity: Int {
        previous.values.reduce(4 + previous.count * (Address.size + 1)) { size, account in
            size + (account.map { 16 + $0.locksEncodingSize } ?? 0)
        }
    }

    public func encode(to w: inout ByteWriter) {
        w.write(UInt32(previous.count))
        for (address, account) in previous.sorted(by: { $0.key < $1.key }) {
            w.write(address)
            if let account {
                w.write(UInt8(1)); w.write(account.balance); w.write(account.nonce)
                account.encodeLocks(to: &w)
            } else {
                w.write(UInt8(0))
            }
        }
    }

    public init(from r: inout ByteReader) throws(DecodeError) {
        let count = try r.readCount(field: "undo.entries", limit: 2 * Limits.maxBlockTransactions + 1,
                                    minimumElementSize: Address.size + 1)
        var previous = [Address: Account?](minimumCapacity: count)
        for _ in 0..<count {
            let address = try r.readAddress()
            switch try r.read(UInt8.self) {
            case 0: previous[address] = .some(nil)
            case 1:
                let balance = try r.read(UInt64.self)
                let nonce = try r.read(UInt64.self)
                previous[address] = Account(balance: balance, nonce: nonce, locks: try Account.decodeLocks(from: &r))
            case let other: throw .unknownType(field: "undo.flag", value: other)
            }
        }
        self.previous = previous
    }
}

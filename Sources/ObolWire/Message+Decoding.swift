import ObolCore

extension Message {
    /// Decodes the payload of a `command` frame: exactly one message, no byte left over. The caller has
    /// checked the payload's length against the command's cap (`FrameDecoder` does).
    public static func decode(command: Command, payload: UnsafeRawBufferPointer) throws(WireError) -> Message {
        var reader = WireReader(payload)
        let message: Message
        switch command {
        case .version: message = .version(try VersionMessage.decode(from: &reader))
        case .verack: message = .verack
        case .getaddr: message = .getaddr
        case .ping: message = .ping(nonce: try reader.read(UInt64.self))
        case .pong: message = .pong(nonce: try reader.read(UInt64.self))
        case .addr:
            let count = try reader.readCount(field: "addr.count", limit: FrameLimits.maxAddresses,
                                             minimumElementSize: AddressEntry.minEncodedSize)
            var entries = [AddressEntry]()
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let lastSeen = try reader.read(UInt64.self)
                let services = Services(rawValue: try reader.read(UInt64.self))
                let address = try NetworkAddress.decode(family: try reader.read(UInt8.self), from: &reader)
                entries.append(AddressEntry(lastSeen: lastSeen, services: services, address: address))
            }
            message = .addr(entries)
        case .inv: message = .inv(try decodeInventory(&reader))
        case .getdata: message = .getdata(try decodeInventory(&reader))
        case .notfound: message = .notfound(try decodeInventory(&reader))
        case .getheaders:
            let count = try reader.readCount(field: "getheaders.count", limit: FrameLimits.maxLocatorHashes,
                                             minimumElementSize: 32)
            var locator = [Hash256]()
            locator.reserveCapacity(count)
            for _ in 0..<count { locator.append(try reader.readHash()) }
            message = .getheaders(HeaderRequest(locator: locator, stop: try reader.readHash()))
        case .headers:
            let count = try reader.readCount(field: "headers.count", limit: FrameLimits.maxHeaders,
                                             minimumElementSize: BlockHeader.size)
            var headers = [BlockHeader]()
            headers.reserveCapacity(count)
            for _ in 0..<count { headers.append(try decodeHeader(&reader)) }
            message = .headers(headers)
        case .block: message = .block(try decodeCore(Block.self, command, &reader))
        case .tx: message = .tx(try decodeCore(Transfer.self, command, &reader))
        case .mempool: message = .mempool(limit: try reader.read(UInt32.self))
        }
        try reader.expectEnd()
        return message
    }

    /// Decodes a payload held in an array (tests, tools).
    public static func decode(command: Command, payload: [UInt8]) throws(WireError) -> Message {
        let result = payload.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try decode(command: command, payload: buffer) }
        }
        return try result.get()
    }

    private static func decodeInventory(_ reader: inout WireReader) throws(WireError) -> [InventoryItem] {
        let count = try reader.readCount(field: "inventory.count", limit: FrameLimits.maxInventory,
                                         minimumElementSize: InventoryItem.encodedSize)
        var items = [InventoryItem]()
        items.reserveCapacity(count)
        for _ in 0..<count {
            let type = try reader.read(UInt8.self)
            guard let kind = InventoryItem.Kind(rawValue: type) else { throw .unknownInventoryType(type) }
            items.append(InventoryItem(kind: kind, hash: try reader.readHash()))
        }
        return items
    }

    /// The 96-byte header of PROTOCOL.md §2.1, read in place.
    private static func decodeHeader(_ reader: inout WireReader) throws(WireError) -> BlockHeader {
        let version = try reader.read(UInt32.self)
        let height = try reader.read(UInt64.self)
        let previousHash = try reader.readHash()
        let merkleRoot = try reader.readHash()
        let timestamp = try reader.read(UInt64.self)
        let bits = CompactTarget(bits: try reader.read(UInt32.self))
        return BlockHeader(version: version, height: height, previousHash: previousHash, merkleRoot: merkleRoot,
                           timestamp: timestamp, bits: bits, nonce: try reader.read(UInt64.self))
    }

    /// A block or a transfer, through ObolCore's strict decoder (the consensus encoding has one decoder).
    /// ObolCore's `ByteReader` reads an array, so these payloads are copied once; the frame's cap bounds it.
    private static func decodeCore<T: BinaryDecodable>(_: T.Type, _ command: Command,
                                                       _ reader: inout WireReader) throws(WireError) -> T {
        let bytes = Array(try reader.readSlice(reader.remaining))
        do {
            return try T(decoding: bytes)
        } catch {
            throw .invalidEncoding(command: command, error)
        }
    }
}

extension VersionMessage {
    static func decode(from reader: inout WireReader) throws(WireError) -> VersionMessage {
        let protocolVersion = try reader.read(UInt32.self)
        let networkID = try reader.read(UInt32.self)
        let services = Services(rawValue: try reader.read(UInt64.self))
        let bestHeight = try reader.read(UInt64.self)
        let chainWork = UInt256(littleEndianBytes: Array(try reader.readSlice(32)))
        let family = try reader.read(UInt8.self)
        var listenAddress: NetworkAddress?
        if family != 0 { listenAddress = try NetworkAddress.decode(family: family, from: &reader) }
        let length = Int(try reader.read(UInt16.self))
        guard length <= maxUserAgentLength else { throw .userAgentTooLong(length) }
        guard let userAgent = String(validating: try reader.readSlice(length), as: UTF8.self) else {
            throw .userAgentNotUTF8
        }
        return VersionMessage(protocolVersion: protocolVersion, networkID: networkID, services: services,
                              bestHeight: bestHeight, chainWork: chainWork, listenAddress: listenAddress,
                              userAgent: userAgent)
    }
}

import ObolCore

extension Message {
    /// The size of a frame's header: the command byte and the u32 payload length.
    public static let frameHeaderSize = 5

    /// The payload's encoding (without the frame header).
    public func encodePayload(to writer: inout ByteWriter) {
        switch self {
        case let .version(version): version.encode(to: &writer)
        case .verack, .getaddr: break
        case let .ping(nonce), let .pong(nonce): writer.write(nonce)
        case let .addr(entries):
            writer.write(UInt32(entries.count))
            for entry in entries {
                writer.write(entry.lastSeen)
                writer.write(entry.services.rawValue)
                entry.address.encode(to: &writer)
            }
        case let .inv(items), let .getdata(items), let .notfound(items):
            writer.write(UInt32(items.count))
            for item in items {
                writer.write(item.kind.rawValue)
                writer.write(item.hash)
            }
        case let .getheaders(request):
            writer.write(UInt32(request.locator.count))
            for hash in request.locator { writer.write(hash) }
            writer.write(request.stop)
        case let .headers(headers):
            writer.write(UInt32(headers.count))
            for header in headers { header.encode(to: &writer) }
        case let .block(block): block.encode(to: &writer)
        case let .tx(transfer): transfer.encode(to: &writer)
        case let .mempool(limit): writer.write(limit)
        }
    }

    /// The payload's size in bytes.
    public var payloadSize: Int {
        switch self {
        case let .version(version): version.encodedSize
        case .verack, .getaddr: 0
        case .ping, .pong: 8
        case let .addr(entries): 4 + entries.reduce(0) { $0 + 16 + $1.address.encodedSize }
        case let .inv(items), let .getdata(items), let .notfound(items): 4 + items.count * InventoryItem.encodedSize
        case let .getheaders(request): 4 + request.locator.count * 32 + 32
        case let .headers(headers): 4 + headers.count * BlockHeader.size
        case let .block(block): block.size
        case let .tx(transfer): transfer.size
        case .mempool: 4
        }
    }

    /// The payload alone.
    public var payload: [UInt8] {
        var writer = ByteWriter(capacity: payloadSize)
        encodePayload(to: &writer)
        return writer.bytes
    }

    /// Appends the whole frame: command byte, payload length (u32 LE), payload.
    public func encodeFrame(to writer: inout ByteWriter) {
        writer.write(command.rawValue)
        writer.write(UInt32(payloadSize))
        let start = writer.bytes.count
        encodePayload(to: &writer)
        assert(writer.bytes.count - start == payloadSize)
    }

    /// The whole frame.
    public var frame: [UInt8] {
        var writer = ByteWriter(capacity: Self.frameHeaderSize + payloadSize)
        encodeFrame(to: &writer)
        return writer.bytes
    }
}

extension VersionMessage {
    var encodedSize: Int {
        Self.minEncodedSize - 1 + (listenAddress?.encodedSize ?? 1) + userAgent.utf8.count
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(protocolVersion)
        writer.write(networkID)
        writer.write(services.rawValue)
        writer.write(bestHeight)
        writer.write(raw: chainWork.littleEndianBytes)
        if let listenAddress {
            listenAddress.encode(to: &writer)
        } else {
            writer.write(UInt8(0))
        }
        writer.writeShortBytes(Array(userAgent.utf8))
    }
}

import ObolCore

/// Why a frame or a message did not decode. One case per way a peer's bytes can be malformed; each has a
/// short `code` for logs. Every one of them is the peer's fault (PROTOCOL.md §10.1).
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The frame's command byte names no command.
    case unknownCommand(UInt8)
    /// The frame's declared length is above the command's cap (refused before the payload is read).
    case frameTooLarge(command: Command, length: Int, cap: Int)
    /// The payload ended before the message did.
    case truncated(needed: Int, available: Int)
    /// The message ended before the payload did.
    case trailingBytes(Int)
    /// A count (addresses, inventory, locator hashes, headers) above its limit.
    case countTooLarge(field: String, count: Int, limit: Int)
    /// An inventory item's type byte is neither transfer (1) nor block (2).
    case unknownInventoryType(UInt8)
    /// An address's family byte is not 4 or 6 (or 0 where an address is optional).
    case unknownAddressFamily(UInt8)
    /// A user agent longer than `VersionMessage.maxUserAgentLength` bytes.
    case userAgentTooLong(Int)
    /// A user agent that is not valid UTF-8.
    case userAgentNotUTF8
    /// A block or transfer payload that ObolCore's strict decoder refused.
    case invalidEncoding(command: Command, DecodeError)
    /// The decoder already failed on this stream; nothing after a bad frame is trusted.
    case decoderFailed

    public var code: String {
        switch self {
        case .unknownCommand: "unknown-command"
        case .frameTooLarge: "frame-too-large"
        case .truncated: "truncated"
        case .trailingBytes: "trailing-bytes"
        case .countTooLarge: "count-too-large"
        case .unknownInventoryType: "unknown-inventory-type"
        case .unknownAddressFamily: "unknown-address-family"
        case .userAgentTooLong: "user-agent-too-long"
        case .userAgentNotUTF8: "user-agent-not-utf8"
        case .invalidEncoding: "invalid-encoding"
        case .decoderFailed: "decoder-failed"
        }
    }

    public var description: String {
        switch self {
        case let .unknownCommand(byte): "\(code): unknown command 0x\(String(byte, radix: 16))"
        case let .frameTooLarge(command, length, cap): "\(code): \(command) declares \(length) bytes, cap \(cap)"
        case let .truncated(needed, available): "\(code): needed \(needed) bytes, \(available) left"
        case let .trailingBytes(n): "\(code): \(n) bytes after the message"
        case let .countTooLarge(field, count, limit): "\(code): \(field) \(count) > \(limit)"
        case let .unknownInventoryType(byte): "\(code): \(byte)"
        case let .unknownAddressFamily(byte): "\(code): \(byte)"
        case let .userAgentTooLong(n): "\(code): \(n) bytes"
        case .userAgentNotUTF8: code
        case let .invalidEncoding(command, error): "\(code): \(command): \(error)"
        case .decoderFailed: code
        }
    }
}

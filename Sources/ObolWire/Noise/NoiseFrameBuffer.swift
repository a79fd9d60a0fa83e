/// The framing of Noise messages on a byte stream: each message (handshake or
/// transport) is preceded by its length as a 2-byte big-endian integer, as
/// the Noise spec suggests for TCP. A message is 1…65,535 bytes, so the prefix
/// always fits; a prefix of 0 is refused.
///
/// `NoiseFrameBuffer` collects stream bytes and hands out whole messages. It
/// holds at most one incomplete frame (65,537 bytes) between calls once the
/// caller has taken every complete message.
public struct NoiseFrameBuffer: Sendable {
    public static let prefixLength = 2

    private var bytes: [UInt8] = []
    private var offset = 0

    public init() {}

    /// `message` with its 2-byte big-endian length prefix.
    public static func frame(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard message.count <= HandshakeState.maxMessageLength else { throw .messageTooLong(length: message.count) }
        guard !message.isEmpty else { throw .emptyFrame }
        var out = [UInt8]()
        out.reserveCapacity(prefixLength + message.count)
        appendPrefix(message.count, to: &out)
        out += message
        return out
    }

    static func appendPrefix(_ length: Int, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
    }

    /// Bytes received but not yet returned as a message.
    public var bufferedCount: Int { bytes.count - offset }

    public mutating func append(_ data: some Sequence<UInt8>) {
        if offset > 0 && offset >= bytes.count / 2 {
            bytes.removeFirst(offset)
            offset = 0
        }
        bytes.append(contentsOf: data)
    }

    /// The next whole message, without its prefix; nil until all its bytes have arrived.
    public mutating func nextMessage() throws(NoiseError) -> [UInt8]? {
        var message: [UInt8]?
        _ = try withNextMessage { (bytes: ArraySlice<UInt8>) throws(NoiseError) in message = Array(bytes) }
        return message
    }

    /// Calls `body` with the next whole message (a slice of the buffer, valid
    /// only during the call) and returns true; false until all its bytes have
    /// arrived. When `body` throws, the message stays in the buffer.
    public mutating func withNextMessage(_ body: (ArraySlice<UInt8>) throws(NoiseError) -> Void)
        throws(NoiseError) -> Bool {
        guard bufferedCount >= Self.prefixLength else { return false }
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        guard length > 0 else { throw .emptyFrame }
        guard bufferedCount >= Self.prefixLength + length else { return false }
        let start = offset + Self.prefixLength
        try body(bytes[start ..< start + length])
        offset = start + length
        if offset == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            offset = 0
        }
        return true
    }
}

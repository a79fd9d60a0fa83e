import Foundation
import ObolCore

/// Splits a byte stream into messages (PROTOCOL.md §10.1), reading the transport's buffer in place.
///
/// It keeps no bytes of its own. The caller hands it the readable bytes it has accumulated (with NIO, inside
/// `ByteBuffer.withUnsafeReadableBytes`), gets back the messages of every complete frame at the front and how
/// many bytes they took, and drops exactly those bytes (moves the reader index). A partial frame stays with
/// the caller until more bytes arrive. The cap check runs as soon as the 5 header bytes are there, so a frame
/// declaring too long a payload is refused before one byte of that payload is buffered.
///
/// After an error the decoder stays failed: the connection must be closed.
public struct FrameDecoder: Sendable {
    /// What one call decoded.
    public struct Output: Sendable, Equatable {
        public var messages: [Message]
        /// Bytes from the front of the input that the messages took; drop them.
        public var consumed: Int

        public init(messages: [Message], consumed: Int) {
            self.messages = messages
            self.consumed = consumed
        }
    }

    public let limits: FrameLimits
    private var failure: WireError?

    public init(limits: FrameLimits) { self.limits = limits }

    public var hasFailed: Bool { failure != nil }

    /// The size of the incomplete frame at the front of the last input (header included), once its header
    /// has been read and accepted; nil otherwise. A transport can reserve that much buffer at once.
    public private(set) var incompleteFrameSize: Int?

    /// Decodes every complete frame at the front of `bytes`, at most `maxMessages` of them (a reader that
    /// wants back-pressure asks for one at a time).
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, maxMessages: Int = .max) throws(WireError) -> Output {
        var output = Output(messages: [], consumed: 0)
        while output.messages.count < maxMessages {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[output.consumed...])
            guard let (message, size) = try decodeOne(rest) else { break }
            output.messages.append(message)
            output.consumed += size
        }
        return output
    }

    /// Decodes the frame at the front of `bytes`, or nil if it is not all there yet.
    public mutating func decodeOne(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> (message: Message, consumed: Int)? {
        guard failure == nil else { throw .decoderFailed }
        incompleteFrameSize = nil
        do {
            guard let (command, length) = try header(bytes) else { return nil }
            let size = Message.frameHeaderSize + length
            guard bytes.count >= size else {
                incompleteFrameSize = size
                return nil
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[Message.frameHeaderSize..<size])
            return (try Message.decode(command: command, payload: payload), size)
        } catch {
            failure = error
            throw error
        }
    }

    /// The frame header's command and checked length, or nil if fewer than 5 bytes are there.
    private func header(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> (Command, Int)? {
        guard bytes.count >= Message.frameHeaderSize else { return nil }
        guard let command = Command(rawValue: bytes[0]) else { throw .unknownCommand(bytes[0]) }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
        let cap = limits.cap(for: command)
        guard length <= cap else { throw .frameTooLarge(command: command, length: length, cap: cap) }
        return (command, length)
    }

    /// Decodes from any contiguous bytes (an array, `Data`, a slice).
    public mutating func decode(_ bytes: some ContiguousBytes, maxMessages: Int = .max) throws(WireError) -> Output {
        var result: Result<Output, WireError>!
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(WireError) in try decode(buffer, maxMessages: maxMessages) }
        }
        return try result.get()
    }
}

import NIOCore
import ObolWire
import Synchronization

/// The frame error that closed a connection, kept for its owner: when the node's task is busy (serving a
/// `getdata`) as the channel closes, the error that ends its loop is a write on a closed channel, and the
/// peer's fault would be lost.
final class FrameFailure: Sendable {
    private let error = Mutex<P2PError?>(nil)

    var value: P2PError? { error.withLock { $0 } }

    func record(_ failure: P2PError) { error.withLock { $0 = $0 ?? failure } }
}

/// Splits the plaintext stream (after `NoiseHandler`) into `Message`s with ObolWire's `FrameDecoder`, and
/// encodes outbound `Message`s into frames (PROTOCOL.md §10.1).
///
/// Bytes accumulate in one buffer; the decoder reads them in place and the reader index moves by what its
/// complete frames took. Once a frame's header has been accepted (its cap checked), the buffer reserves the
/// whole frame at once. A frame error fires a `P2PError` (`.frame`, the peer's fault) and closes the
/// channel; nothing after a bad frame is read.
final class WireFrameHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Message
    typealias OutboundIn = Message
    typealias OutboundOut = ByteBuffer

    private var decoder: FrameDecoder
    private var buffer: ByteBuffer?
    private let failure: FrameFailure

    init(limits: FrameLimits, failure: FrameFailure = FrameFailure()) {
        decoder = FrameDecoder(limits: limits)
        self.failure = failure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decoder.hasFailed else { return }
        var bytes = unwrapInboundIn(data)
        if buffer == nil {
            buffer = bytes
        } else {
            buffer!.writeBuffer(&bytes)
        }
        let output: FrameDecoder.Output
        do {
            output = try buffer!.withUnsafeReadableBytes { raw in try decoder.decode(raw) }
        } catch {
            buffer = nil
            let reason = P2PError(.frame(error as? WireError ?? .decoderFailed))
            failure.record(reason)
            context.fireErrorCaught(reason)
            context.close(promise: nil)
            return
        }
        buffer!.moveReaderIndex(forwardBy: output.consumed)
        if buffer!.readableBytes == 0 {
            buffer = nil
        } else {
            if buffer!.readerIndex > 0 { buffer!.discardReadBytes() }
            if let size = decoder.incompleteFrameSize {
                buffer!.reserveCapacity(minimumWritableBytes: size - buffer!.readableBytes)
            }
        }
        for message in output.messages {
            context.fireChannelRead(wrapInboundOut(message))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let message = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: message.frame)), promise: promise)
    }
}

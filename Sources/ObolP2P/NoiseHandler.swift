import NIOCore
import ObolWire

/// What a completed Noise handshake tells the connection's owner.
public struct NoiseHandshakeInfo: Sendable, Hashable {
    /// The peer's static public key (32 bytes): its node id, authenticated by the handshake.
    public let remoteStaticKey: [UInt8]
    /// The final handshake hash, equal on both sides (channel binding).
    public let handshakeHash: [UInt8]
}

/// Runs the Noise XX handshake (PROTOCOL.md §11) on the raw TCP byte stream, then turns inbound
/// transport messages into plaintext `ByteBuffer`s and outbound plaintext `ByteBuffer`s into transport
/// messages (at most 65,519 plaintext bytes each, split by `NoiseTransport`).
///
/// Every Noise message on the stream is `length (u16, big-endian) ‖ message`. A 2-byte prefix cannot
/// declare more than 65,535 bytes, so at most one message (65,537 bytes) is buffered before it is
/// handled; a prefix of 0 is refused at once. Any Noise failure fires a `P2PError` (`.noise`, not the
/// peer's fault) and closes the channel; so does a handshake that has not completed within `timeout`.
/// `handshakeCompleted` is completed exactly once: with the peer's key, or with the error.
///
/// Plaintext written before the handshake completes is held and sent right after it.
final class NoiseHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle(HandshakeState)
        case handshaking(HandshakeState)
        case transport(NoiseTransport)
        case closed
    }

    private var state: State
    private let timeout: TimeAmount
    private let rekeyInterval: UInt64
    private var handshakeCompleted: EventLoopPromise<NoiseHandshakeInfo>?
    private var timeoutTask: Scheduled<Void>?
    private var inbound = ByteBuffer()
    private var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []

    init(handshake: HandshakeState, timeout: TimeAmount, handshakeCompleted: EventLoopPromise<NoiseHandshakeInfo>,
         rekeyInterval: UInt64 = NoiseTransport.defaultRekeyInterval) {
        state = .idle(handshake)
        self.timeout = timeout
        self.handshakeCompleted = handshakeCompleted
        self.rekeyInterval = rekeyInterval
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .transport = state {} else { endHandshake(with: P2PError(.closedDuringHandshake)) }
        state = .closed
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        endHandshake(with: P2PError(.closedDuringHandshake))
        state = .closed
    }

    private func start(context: ChannelHandlerContext) {
        guard case let .idle(handshake) = state else { return }
        state = .handshaking(handshake)
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(P2PError(.handshakeTimeout), context: context)
        }
        if handshake.isWriteTurn {  // the initiator writes message 1
            do throws(NoiseError) {
                try writeHandshakeMessage(context: context)
            } catch {
                fail(P2PError(.noise(error)), context: context)
            }
        }
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if case .closed = state { return }
        inbound.writeBuffer(&bytes)
        var plaintext: ByteBuffer?
        do throws(NoiseError) {
            while let message = try nextMessage() {
                switch state {
                case var .handshaking(handshake):
                    let (_, result) = try handshake.readMessage(message)  // v1 payloads are ignored
                    state = .handshaking(handshake)
                    if let result {
                        complete(result, context: context)
                    } else if handshake.isWriteTurn {
                        try writeHandshakeMessage(context: context)
                    }
                case var .transport(transport):
                    let decrypted = try transport.decryptMessage(message)
                    state = .transport(transport)
                    if plaintext == nil { plaintext = context.channel.allocator.buffer(capacity: inbound.readableBytes + decrypted.count) }
                    plaintext!.writeBytes(decrypted)
                case .idle, .closed:
                    return
                }
            }
        } catch {
            fail(P2PError(.noise(error)), context: context)
            return
        }
        if inbound.readableBytes == 0 {
            inbound.clear()
        } else if inbound.readerIndex > 65_536 {
            inbound.discardReadBytes()
        }
        if let plaintext, plaintext.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(plaintext))
        }
    }

    /// The next whole Noise message on the stream, without its prefix; nil until all its bytes are here.
    private func nextMessage() throws(NoiseError) -> [UInt8]? {
        guard let length = inbound.getInteger(at: inbound.readerIndex, endianness: .big, as: UInt16.self) else {
            return nil
        }
        guard length > 0 else { throw .emptyFrame }
        guard inbound.readableBytes >= NoiseFrameBuffer.prefixLength + Int(length) else { return nil }
        inbound.moveReaderIndex(forwardBy: NoiseFrameBuffer.prefixLength)
        return inbound.readBytes(length: Int(length))
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking:
            pendingWrites.append((plaintext, promise))
        case .transport:
            encryptAndWrite(plaintext, promise: promise, context: context)
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    private func encryptAndWrite(_ plaintext: ByteBuffer, promise: EventLoopPromise<Void>?,
                                 context: ChannelHandlerContext) {
        guard case var .transport(transport) = state else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        do throws(NoiseError) {
            let ciphertext = try transport.encrypt(Array(plaintext.readableBytesView))
            state = .transport(transport)
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: ciphertext)), promise: promise)
        } catch {
            promise?.fail(P2PError(.noise(error)))
            fail(P2PError(.noise(error)), context: context)
        }
    }

    // MARK: - Handshake steps

    private func writeHandshakeMessage(context: ChannelHandlerContext) throws(NoiseError) {
        guard case var .handshaking(handshake) = state else { return }
        let (message, result) = try handshake.writeMessage()
        state = .handshaking(handshake)
        let framed = try NoiseFrameBuffer.frame(message)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: framed)), promise: nil)
        if let result { complete(result, context: context) }
    }

    private func complete(_ result: HandshakeResult, context: ChannelHandlerContext) {
        let transport = NoiseTransport(result, rekeyInterval: rekeyInterval)
        state = .transport(transport)
        timeoutTask?.cancel()
        timeoutTask = nil
        let info = NoiseHandshakeInfo(remoteStaticKey: transport.remoteStaticKey, handshakeHash: transport.handshakeHash)
        handshakeCompleted?.succeed(info)
        handshakeCompleted = nil
        let writes = pendingWrites
        pendingWrites = []
        for (plaintext, promise) in writes { encryptAndWrite(plaintext, promise: promise, context: context) }
        if !writes.isEmpty { context.flush() }
    }

    private func endHandshake(with error: P2PError) {
        timeoutTask?.cancel()
        timeoutTask = nil
        handshakeCompleted?.fail(error)
        handshakeCompleted = nil
        let writes = pendingWrites
        pendingWrites = []
        for (_, promise) in writes { promise?.fail(error) }
    }

    /// Ends the session: reports `error` (to the handshake's waiter, or down the pipeline) and closes.
    private func fail(_ error: P2PError, context: ChannelHandlerContext) {
        if case .closed = state { return }
        state = .closed
        endHandshake(with: error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import ObolAPIModels

/// Answers a request SwiftNIO's HTTP parser refuses (an unknown method, a bad `Content-Length`, a
/// malformed chunked body after the route has answered) with a JSON 400 `bad-request` and closes the
/// connection, where Hummingbird would answer a bare 400. It sits between the parser and the
/// HTTP-types codec; `HTTPParseErrorHandler.Installer` puts it there. An error behind a complete request
/// (pipelined garbage) is answered once that request is; one inside a body still arriving is left to the
/// route (it ends `request.body` with an error: `invalid-body`).
final class HTTPParseErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Requests whose response has not ended.
    private var unanswered = 0
    /// Whether a request's body is still arriving (a parse error now ends the route's `request.body`).
    private var bodyOpen = false
    /// A parse error that came while a complete request waited for its answer: answered after it.
    private var deferred: HTTPParserError?
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused, deferred == nil else { return }
        switch unwrapInboundIn(data) {
        case .head: unanswered += 1; bodyOpen = true
        case .end: bodyOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let ends = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        guard ends else { return }
        unanswered = max(0, unanswered - 1)
        if unanswered == 0, let error = deferred { refuse(context: context, error) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, !refused, deferred == nil else {
            context.fireErrorCaught(error)
            return
        }
        if unanswered == 0 {
            refuse(context: context, parseError)
        } else if !bodyOpen {
            deferred = parseError
        } else {
            context.fireErrorCaught(error)
        }
    }

    /// Writes the JSON 400 and closes the connection.
    private func refuse(context: ChannelHandlerContext, _ parseError: HTTPParserError) {
        refused = true
        deferred = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(ErrorResponse(code: "bad-request",
                                                      message: "malformed HTTP request: \(Self.describe(parseError))")))
            ?? Data(#"{"error":{"code":"bad-request","message":"malformed HTTP request"}}"#.utf8)
        var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
        head.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }

    /// What was wrong, in words (the parser's error names are llhttp's).
    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "unknown method"
        case .invalidContentLength, .unexpectedContentLength: "bad Content-Length"
        case .invalidChunkSize, .invalidEOFState: "malformed chunked body"
        case .headerOverflow: "headers too large"
        case .invalidVersion: "bad HTTP version"
        case .invalidURL: "bad request target"
        default: "\(error)"
        }
    }

    /// Put in Hummingbird's `additionalChannelHandlers` (which come after the HTTP-types codec): once
    /// added, it inserts an `HTTPParseErrorHandler` right after the parser (and passes everything on).
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Never

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(HTTPParseErrorHandler(), position: .after(decoder))
            }
        }
    }
}

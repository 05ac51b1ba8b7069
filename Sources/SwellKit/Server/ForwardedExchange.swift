import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// One request `HotPathHandler` forwarded to a backend, from the backend's answer to the
/// browser's connection. It writes what the forwarder hands it until the answer ends, breaks
/// off or is cancelled; after that every call is ignored, so a late part from the client
/// library can never reach the next request's answer.
final class ForwardedExchange: ForwardedAnswerSink {
    private weak var handler: HotPathHandler?
    private let context: ChannelHandlerContext
    private let closes: Bool
    private var live = true
    /// Set once the forwarder has taken the request.
    var cancellation: ForwardCancellation?

    init(handler: HotPathHandler, context: ChannelHandlerContext, closes: Bool) {
        self.handler = handler
        self.context = context
        self.closes = closes
    }

    func head(_ head: HTTPResponse) {
        guard live, let handler else { return }
        var head = head
        handler.stamp(&head, context: context)
        if closes { head.headerFields[.connection] = "close" }
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
    }

    func body(_ part: ByteBuffer) -> EventLoopFuture<Void> {
        guard live else { return context.eventLoop.makeSucceededVoidFuture() }
        // Flushed part by part: an event stream's events must not wait for more.
        return context.writeAndFlush(NIOAny(HTTPResponsePart.body(part)))
    }

    func end() {
        guard live else { return }
        live = false
        finish()
    }

    func failed(_ page: HTTPResponse, body: ByteBuffer?) {
        guard live else { return }
        self.head(page)
        if let body { context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil) }
        live = false
        finish()
    }

    func broke() {
        guard live else { return }
        live = false
        context.close(promise: nil)
        handler?.forwardEnded(context: context)
    }

    /// The browser left or the server stops: the backend request is dropped.
    func cancel() {
        guard live else { return }
        live = false
        cancellation?.cancel()
    }

    private func finish() {
        if closes {
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete {
                [context = NIOLoopBound(context, eventLoop: context.eventLoop)] _ in
                context.value.close(promise: nil)
            }
        } else {
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: nil)
        }
        handler?.forwardEnded(context: context)
    }
}

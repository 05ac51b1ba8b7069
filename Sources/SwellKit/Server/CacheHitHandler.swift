import HTTPTypes
import NIOCore
import NIOHTTPTypes

#if canImport(Glibc)
    import Glibc
#endif

/// Answers requests for files the cache holds on the event loop, without Hummingbird's
/// per-request task: the hot path of a dev server (a page's scripts, styles and images,
/// requested again on every reload).
///
/// It decides nothing itself: `SwellResponder.cachedAnswer` runs the responder's own steps
/// 1 to 7 (the Host check, the HTTPS redirect, the target's parse, the proxy's prefixes, the
/// cross-site check, a navigation held by a build) and adds the same `--header`s, so a
/// request answered here gets the bytes and headers the responder would give it; anything
/// else goes on to the responder unchanged. Hummingbird's `Date` and `Server` are added here.
///
/// Answers keep their order: Hummingbird reads pipelined requests ahead, so while any request
/// passed on has not had its response's end written, the next ones are passed on too.
final class CacheHitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let answer: @Sendable (HTTPRequest) -> MemoryAnswer?
    private let serverName: String?
    /// Requests passed on whose response has not ended.
    private var passedOn = 0
    /// The request answered here still has body parts to come, which nobody reads.
    private var discardingBody = false
    private var wroteSinceFlush = false
    private var date = (second: 0, text: "")

    init(serverName: String?, answer: @escaping @Sendable (HTTPRequest) -> MemoryAnswer?) {
        self.serverName = serverName
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            discardingBody = false
            if passedOn == 0, var answer = answer(request) {
                discardingBody = true
                answer.head.headerFields[.date] = currentDate()
                if let serverName { answer.head.headerFields[.server] = serverName }
                write(answer, context: context)
                if answer.head.headerFields[.connection] == "close" {
                    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete {
                        [context = NIOLoopBound(context, eventLoop: context.eventLoop)] _ in
                        context.value.close(promise: nil)
                    }
                    wroteSinceFlush = false
                    return
                }
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                wroteSinceFlush = true
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body, .end:
            if !discardingBody { context.fireChannelRead(data) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Answers to pipelined requests go out in one flush, after the reads that asked for them.
        if wroteSinceFlush {
            wroteSinceFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(passedOn - 1, 0) }
        context.write(data, promise: promise)
    }

    private func write(_ answer: MemoryAnswer, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        for buffer in answer.body { context.write(wrapOutboundOut(.body(buffer)), promise: nil) }
    }

    /// The `Date` header, formatted once a second per connection.
    private func currentDate() -> String {
        let now = Int(time(nil))
        if now != date.second { date = (now, HTTPDate.format(secondsSinceEpoch: Int64(now))) }
        return date.text
    }
}

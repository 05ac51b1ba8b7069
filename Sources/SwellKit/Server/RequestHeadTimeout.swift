import NIOCore
import NIOHTTP1

/// A deadline for each request head: a client that connects, or finishes a response, and
/// then does not deliver a complete request head within `limit` is disconnected.
///
/// This stops slowloris clients, which keep a connection busy by sending a header a byte at
/// a time: every byte resets an idle timer, but not this deadline. A connection that sent
/// part of a request gets `408 Request Timeout` first; one that sent nothing (an idle
/// keep-alive connection) is closed quietly, as browsers expect. Responses in progress,
/// event streams included, are never cut: the deadline only runs between requests.
///
/// Two handlers share one deadline: `RequestBytesObserver` sits before NIO's HTTP decoder and
/// notes that bytes arrived; `RequestHeadTimeoutHandler` sits after it, sees complete heads
/// and finished responses, and owns the timer. Both live on the channel's event loop.
final class RequestHeadDeadline {
    let limit: TimeAmount
    /// Bytes arrived since the last complete head (a request is being sent).
    fileprivate var partialRequest = false
    /// The 408 is out: what the client still sends is read and dropped until the close.
    fileprivate var discardingInput = false

    init(limit: TimeAmount) {
        self.limit = limit
    }
}

/// Notes that request bytes arrived; placed first in the pipeline.
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let deadline: RequestHeadDeadline

    init(deadline: RequestHeadDeadline) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !deadline.discardingInput else { return }
        deadline.partialRequest = true
        context.fireChannelRead(data)
    }
}

/// Owns the timer; placed between NIO's HTTP/1 decoder and the HTTP-types codec.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadline: RequestHeadDeadline
    private var timer: Scheduled<Void>?
    /// When the current head's limit runs out; nil while no head is awaited.
    private var expiry: NIODeadline?
    /// Requests whose head arrived and whose response has not ended (pipelining allows several).
    private var inFlight = 0

    init(deadline: RequestHeadDeadline) {
        self.deadline = deadline
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inFlight += 1
            deadline.partialRequest = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight = max(inFlight - 1, 0)
            if inFlight == 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    /// Starts the limit for the next head. A keep-alive connection arms and disarms once per
    /// request: the timer itself is scheduled only when none is pending, and when it fires
    /// early (the limit was restarted since) it is scheduled again for the current deadline,
    /// so the hot path costs a clock read rather than a timer insertion and cancellation.
    private func arm(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + self.deadline.limit
        expiry = deadline
        guard timer == nil else { return }
        schedule(context, at: deadline)
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timerFired(context)
        }
    }

    private func disarm() {
        expiry = nil
    }

    private func cancelTimer() {
        expiry = nil
        timer?.cancel()
        timer = nil
    }

    private func timerFired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let expiry else { return }
        if expiry > .now() {
            schedule(context, at: expiry)
            return
        }
        expire(context)
    }

    private func expire(_ context: ChannelHandlerContext) {
        expiry = nil
        guard inFlight == 0, context.channel.isActive else { return }
        guard deadline.partialRequest else {
            context.close(promise: nil)
            return
        }
        let message = "408 Request Timeout: the request head did not arrive in time.\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(message.utf8.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: message)))), promise: nil)
        // A lingering close, as nginx does: closing at once while the client is still sending
        // would make the kernel answer with a reset, which can discard the 408 before the
        // client reads it. So: send it, shut the write side, drop what still arrives, then close.
        deadline.discardingInput = true
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let context = bound.value
            context.close(mode: .output, promise: nil)
            context.eventLoop.scheduleTask(in: .seconds(2)) { bound.value.close(promise: nil) }
        }
    }
}

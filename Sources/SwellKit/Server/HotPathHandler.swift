import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` to NIO's C module,
// which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Answers a dev server's hot requests on the event loop, without Hummingbird's per-request
/// task: files the cache holds (a page's scripts, styles and images, requested again on every
/// reload), and, over HTTP/1.1, `/__swell/events` (a `ChannelEventStream`: no task and no
/// queue per open page).
///
/// It decides nothing itself: `SwellResponder.hotAnswer` runs the responder's own steps (the
/// Host check, the HTTPS redirect, the target's parse, the proxy's prefixes, the cross-site
/// checks, a navigation held by a build) and adds the same headers, so a request answered here
/// gets the bytes the responder would give it; anything else goes on to the responder
/// unchanged. Hummingbird's `Date` and `Server` are added here.
///
/// Over HTTP/1.1 it also forwards a proxied GET or HEAD without a body (`ForwardedExchange`):
/// the backend connection is on this connection's event loop, so a proxied asset or API call
/// costs no task and no thread hop.
///
/// Answers keep their order: Hummingbird reads pipelined requests ahead, so while any request
/// passed on has not had its response's end written, the next ones are passed on too; and a
/// request that arrives while a forwarded answer is under way waits for its end.
final class HotPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let hotPaths: HotPaths
    private let eventStreams: Bool
    private let fileRegions: Bool
    private let forwards: Bool
    /// The HTTP/1 HTTP-types codec's context (nil over HTTP/2). A `FileRegion` is written
    /// below it, since typed HTTP bodies are byte buffers only; so are an event stream's
    /// events, which then skip two handler hops per stream and event on a fan-out.
    private var belowTypes: ChannelHandlerContext?
    /// Requests passed on whose response has not ended.
    private var passedOn = 0
    /// The request answered here still has body parts to come, which nobody reads.
    private var discardingBody = false
    private var wroteSinceFlush = false
    private var date = (second: 0, text: "")
    /// The event stream this connection carries; nothing else is read once it started.
    private var stream: (stream: ChannelEventStream, loop: LoopStreams, hub: EventHub)?
    /// The forwarded request whose answer is under way.
    private var forwarding: ForwardedExchange?
    /// What arrived behind it (pipelined requests), handled once its answer has ended.
    private var waiting: [NIOAny] = []
    /// More parts than any client but a hostile one pipelines behind one request.
    private static let waitingLimit = 256

    /// `eventStreams`: answer `/__swell/events` here (HTTP/1.1; an HTTP/2 stream's response
    /// is the responder's).
    /// `fileRegions`: send files the cache does not take with `sendfile` (plain HTTP/1.1 only).
    /// `forwards`: forward proxied requests without a body here (HTTP/1.1).
    init(_ hotPaths: HotPaths, eventStreams: Bool, fileRegions: Bool, forwards: Bool) {
        self.hotPaths = hotPaths
        self.eventStreams = eventStreams
        self.fileRegions = fileRegions
        self.forwards = forwards
    }

    func handlerAdded(context: ChannelHandlerContext) {
        belowTypes = try? context.pipeline.syncOperations.context(handlerType: HTTP1ToHTTPServerCodec.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A stream's response never ends: whatever the client sends after it cannot be answered.
        guard stream == nil else { return }
        let part = unwrapInboundIn(data)
        if forwarding != nil || !waiting.isEmpty {
            if case .head = part {
                discardingBody = false
            } else if waiting.isEmpty && discardingBody {
                return
            }
            guard waiting.count < Self.waitingLimit else {
                context.close(promise: nil)
                return
            }
            waiting.append(data)
            return
        }
        handle(part, data: data, context: context)
    }

    private func handle(_ part: HTTPRequestPart, data: NIOAny, context: ChannelHandlerContext) {
        switch part {
        case .head(let request):
            discardingBody = false
            let http1 = belowTypes != nil
            guard passedOn == 0, let answer = hotPaths.answer(request, eventStreams && http1, fileRegions && http1, forwards && http1),
                claim(answer, context: context)
            else {
                passedOn += 1
                context.fireChannelRead(data)
                return
            }
            discardingBody = true
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

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        stream?.stream.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let forwarding, event is EventStreamsEnd {
            // The server stops: a backend's answer may never end (an event stream).
            forwarding.cancel()
            context.close(promise: nil)
        }
        if let stream {
            if event is EventStreamsEnd {
                stream.stream.end()
            } else if let event = event as? ChannelEvent, event == .inputClosed {
                // The client closed its side: the page is gone.
                stream.stream.end()
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStream()
        stopForwarding()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopStream()
        stopForwarding()
    }

    /// Writes `answer`; false when it cannot be written here after all (nothing was written).
    private func claim(_ answer: HotAnswer, context: ChannelHandlerContext) -> Bool {
        switch answer {
        case .file(let file):
            write(file, context: context)
        case .region(let region):
            return send(region, context: context)
        case .events(let opening):
            return start(opening, context: context)
        case .forward(let opening):
            return forward(opening, context: context)
        }
        return true
    }

    private func write(_ answer: MemoryAnswer, context: ChannelHandlerContext) {
        var head = answer.head
        stamp(&head, context: context)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        for buffer in answer.body { context.write(wrapOutboundOut(.body(buffer)), promise: nil) }
        end(head, context: context)
    }

    /// The file's bytes go from the page cache to the socket (`sendfile`), from a descriptor of
    /// their own that closes when the write is done. If the file shrinks meanwhile, the bytes
    /// announced no longer exist and the kernel would send nothing forever: a check every
    /// half second closes the connection then, as the streamed path does.
    private func send(_ answer: RegionAnswer, context: ChannelHandlerContext) -> Bool {
        guard let belowTypes else { return false }
        let descriptor = dup(answer.file.descriptor)
        guard descriptor >= 0 else { return false }
        var head = answer.head
        stamp(&head, context: context)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        let end = answer.range.upperBound + 1
        let region = FileRegion(fileHandle: handle, readerIndex: answer.range.lowerBound, endIndex: end)
        let written = context.eventLoop.makePromise(of: Void.self)
        let channel = context.channel
        let check = context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(500), delay: .milliseconds(500)) { task in
            var info = stat()
            guard fstat(descriptor, &info) != 0 || Int(info.st_size) < end else { return }
            task.cancel()
            channel.close(promise: nil)
        }
        written.futureResult.whenComplete { _ in
            check.cancel()
            try? handle.close()
        }
        belowTypes.write(NIOAny(HTTPServerResponsePart.body(.fileRegion(region))), promise: written)
        self.end(head, context: context)
        return true
    }

    /// The response's end, and the connection's when the request asked for it.
    private func end(_ head: HTTPResponse, context: ChannelHandlerContext) {
        if head.headerFields[.connection] == "close" {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [context = NIOLoopBound(context, eventLoop: context.eventLoop)] _ in
                context.value.close(promise: nil)
            }
            wroteSinceFlush = false
            return
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        wroteSinceFlush = true
    }

    private func start(_ opening: EventStreamOpening, context: ChannelHandlerContext) -> Bool {
        guard let belowTypes else { return false }
        var head = opening.head
        stamp(&head, context: context)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let attached = opening.hub.attach(on: context.eventLoop, lastEventID: opening.lastEventID, pages: opening.pages)
        let stream = ChannelEventStream(
            id: attached.id,
            context: context,
            below: belowTypes,
            capacity: attached.streams.capacity,
            after: attached.after
        )
        attached.streams.add(stream)
        self.stream = (stream, attached.streams, opening.hub)
        stream.open(with: attached.opening)
        return true
    }

    private func forward(_ opening: ForwardOpening, context: ChannelHandlerContext) -> Bool {
        let exchange = ForwardedExchange(handler: self, context: context, closes: opening.closes)
        let sink = NIOLoopBound<any ForwardedAnswerSink>(exchange, eventLoop: context.eventLoop)
        forwarding = exchange
        guard
            let cancellation = opening.forwarder.forward(
                opening.request,
                upstream: opening.upstream,
                clientAddress: context.channel.remoteAddress?.ipAddress,
                to: sink,
                on: context.eventLoop
            )
        else {
            forwarding = nil
            return false
        }
        // The answer may already have ended (a refused connection fails at once).
        if forwarding === exchange { exchange.cancellation = cancellation }
        return true
    }

    /// The forwarded answer ended (or broke off): the requests that waited behind it go on.
    func forwardEnded(context: ChannelHandlerContext) {
        forwarding = nil
        guard !waiting.isEmpty else { return }
        while forwarding == nil, stream == nil, !waiting.isEmpty {
            let data = waiting.removeFirst()
            handle(unwrapInboundIn(data), data: data, context: context)
        }
        // As after a read: what was answered here goes out, and what was passed on reaches
        // Hummingbird's channel, which hands its reads over at read-complete.
        channelReadComplete(context: context)
    }

    private func stopForwarding() {
        waiting.removeAll()
        guard let forwarding else { return }
        self.forwarding = nil
        forwarding.cancel()
    }

    private func stopStream() {
        guard let stream else { return }
        self.stream = nil
        stream.loop.remove(stream.stream)
        stream.hub.detach(id: stream.stream.id)
    }

    /// Hummingbird's `Date` (formatted once a second per connection) and `Server`.
    func stamp(_ head: inout HTTPResponse, context: ChannelHandlerContext) {
        let now = Int(time(nil))
        if now != date.second { date = (now, HTTPDate.format(secondsSinceEpoch: Int64(now))) }
        head.headerFields[.date] = date.text
        if let serverName = hotPaths.serverName { head.headerFields[.server] = serverName }
    }
}

/// Sends `EventStreamsEnd` ahead of the server's graceful-shutdown request, from before
/// Hummingbird's connection state handler (which keeps that request to itself and would
/// otherwise wait for an event stream's end that never comes).
final class QuiesceNotifier: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { context.fireUserInboundEventTriggered(EventStreamsEnd()) }
        context.fireUserInboundEventTriggered(event)
    }
}

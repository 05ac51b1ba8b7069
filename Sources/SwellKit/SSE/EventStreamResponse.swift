import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The `/__swell/events` response: SSE headers, `retry`, `hello`, what the client missed,
/// then each event as it is published, flushed one by one.
///
/// It ends when the client goes away (noticed through the request's inbound close at once,
/// so an idle stream does not linger until the next change) or when the server shuts down
/// gracefully (the queue is closed on shutdown, because Hummingbird drains connections
/// before it stops any other service).
///
/// Two query parameters serve clients that cannot set headers: `last` stands in for
/// `Last-Event-ID` (a tab that takes over a shared stream resumes where the previous holder
/// stopped), and `pages` says how many pages the stream serves (for `/__swell/status`).
enum EventStreamResponse {
    static let retry = ByteBuffer(string: SSEEncoder.retry(milliseconds: 1000))
    static let ping = ByteBuffer(string: SSEEncoder.ping)

    static let headers: HTTPFields = [
        .contentType: "text/event-stream",
        .cacheControl: "no-cache",
        .accelBuffering: "no",
        .contentTypeOptions: "nosniff",
    ]

    /// Where the client resumes (`Last-Event-ID`, or `last`) and how many pages the stream serves.
    static func parameters(of request: Request) -> (lastEventID: String?, pages: Int) {
        let query = request.uri.queryParameters
        return (request.headers[.lastEventID] ?? query["last"].map(String.init), query["pages"].flatMap { Int($0) } ?? 1)
    }

    /// `eventLoop` is the connection's; the stream's task then runs on it (`EventLoopExecutor`).
    /// Over HTTP/1.1, `HotPathHandler` answers a GET itself (`ChannelEventStream`); this
    /// response serves HTTP/2 streams and HEAD.
    static func make(for request: Request, hub: EventHub, eventLoop: (any EventLoop)? = nil) -> Response {
        guard request.method == .get else { return Response(status: .ok, headers: headers) }
        let (lastEventID, pages) = parameters(of: request)
        let executor = eventLoop.map(EventLoopExecutor.init)
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                // Subscribed only once the body runs, so a response that is never written leaves nothing behind.
                let queue = hub.subscribe(lastEventID: lastEventID, pages: pages)
                defer { hub.unsubscribe(queue) }
                let hello = hub.hello(for: queue)
                try await withTaskExecutorPreference(executor) {
                    // Both ways out close the queue, which ends the loop. These handlers are only
                    // registrations: no task per client beyond the one that reads the request side,
                    // which matters at 10,000 streams.
                    try await request.body.consumeWithInboundCloseHandler { _ in
                        try await withGracefulShutdownHandler {
                            var opening = Self.retry
                            opening.writeImmutableBuffer(hello.wire)
                            try await writer.write(opening)
                            while let item = await queue.next() {
                                switch item {
                                case .event(let event): try await writer.write(event.wire)
                                case .ping: try await writer.write(Self.ping)
                                }
                            }
                        } onGracefulShutdown: {
                            queue.close()
                        }
                    } onInboundClosed: {
                        queue.close()
                    }
                }
                // After the client left this fails, and nobody is there to see it.
                try? await writer.finish(nil)
            }
        )
    }
}

import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The `/__swell/events` response: SSE headers, `retry`, `hello`, what the client missed,
/// then each event as it is published, flushed one by one.
///
/// It ends when the client goes away (noticed through the request's inbound close at once,
/// so an idle stream does not linger until the next change) or when the server shuts down
/// gracefully (the queue's sequence is cancelled on shutdown, because Hummingbird drains
/// connections before it stops any other service).
///
/// Two query parameters serve clients that cannot set headers: `last` stands in for
/// `Last-Event-ID` (a tab that takes over a shared stream resumes where the previous holder
/// stopped), and `pages` says how many pages the stream serves (for `/__swell/status`).
public enum EventStreamResponse {
    public static func make(for request: Request, hub: EventHub) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream",
            .cacheControl: "no-cache",
            .accelBuffering: "no",
            .contentTypeOptions: "nosniff",
        ]
        guard request.method == .get else { return Response(status: .ok, headers: headers) }
        let query = request.uri.queryParameters
        let lastEventID = request.headers[.lastEventID] ?? query["last"].map(String.init)
        let pages = query["pages"].flatMap { Int($0) } ?? 1
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                // Subscribed only once the body runs, so a response that is never written leaves nothing behind.
                let queue = hub.subscribe(lastEventID: lastEventID, pages: pages)
                defer { hub.unsubscribe(queue) }
                let hello = hub.hello(for: queue)
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await writer.write(ByteBuffer(string: SSEEncoder.retry(milliseconds: 1000) + SSEEncoder.event(hello)))
                        for await item in ClientEvents(queue: queue).cancelOnGracefulShutdown() {
                            switch item {
                            case .event(let event): try await writer.write(ByteBuffer(string: SSEEncoder.event(event)))
                            case .ping: try await writer.write(ByteBuffer(string: SSEEncoder.ping))
                            }
                        }
                    }
                } catch is CancellationError {
                    return
                }
                try await writer.finish(nil)
            }
        )
    }
}

/// A client's queue as an async sequence, so that it can end on graceful shutdown.
struct ClientEvents: AsyncSequence, Sendable {
    typealias Element = ClientQueue.Item
    let queue: ClientQueue

    struct AsyncIterator: AsyncIteratorProtocol {
        let queue: ClientQueue
        mutating func next() async -> ClientQueue.Item? {
            await queue.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: queue)
    }
}

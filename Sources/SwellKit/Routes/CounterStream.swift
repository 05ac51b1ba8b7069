import AsyncAlgorithms
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The `/stream` demo: `id: N` / `data: N` every interval, N counting from 0 per
/// connection, or from `Last-Event-ID` + 1 on a reconnect.
///
/// The response ends as soon as the client goes away (noticed through the request's
/// inbound close, not at the next write) or the server shuts down gracefully, so an open
/// demo tab never holds up Ctrl-C.
struct CounterStream: Sendable {
    let interval: Duration

    init(interval: Duration) {
        self.interval = interval
    }

    /// The first number to send for a request's `Last-Event-ID`.
    static func firstNumber(lastEventID: String?) -> Int {
        guard let lastEventID, let last = Int(lastEventID.trimmingWhitespace()), last >= 0, last < Int.max else { return 0 }
        return last + 1
    }

    static func event(_ number: Int) -> ByteBuffer {
        ByteBuffer(string: "id: \(number)\ndata: \(number)\n\n")
    }

    func response(to request: Request) -> Response {
        let start = Self.firstNumber(lastEventID: request.headers[.lastEventID])
        let interval = self.interval
        let headers: HTTPFields = [
            .contentType: "text/event-stream",
            .cacheControl: "no-cache",
            .accessControlAllowOrigin: "*",
            .accelBuffering: "no",
        ]
        guard request.method != .head else { return Response(status: .ok, headers: headers) }
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        var number = start
                        try await writer.write(Self.event(number))
                        // The timer sequence ends by itself on graceful shutdown.
                        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
                            number += 1
                            try await writer.write(Self.event(number))
                        }
                    }
                } catch is CancellationError {
                    // The client went away: nothing left to finish.
                    return
                }
                try await writer.finish(nil)
            }
        )
    }
}

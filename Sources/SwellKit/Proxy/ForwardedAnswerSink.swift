import HTTPTypes
import NIOCore

/// Where a backend's answer goes when the request was forwarded from the event loop
/// (`HotPathHandler`), not from a Hummingbird task: the browser connection's pipeline. Every
/// call comes on that connection's event loop, in this order: `head`, any `body`, then one
/// of `end` and `broke`; or `failed` alone, when no head came.
package protocol ForwardedAnswerSink: AnyObject {
    /// The browser's response head (already rewritten for it).
    func head(_ head: HTTPResponse)
    /// A part of the body; the next one is asked of the backend once this has been written,
    /// so a slow browser slows the backend down instead of filling memory.
    func body(_ part: ByteBuffer) -> EventLoopFuture<Void>
    /// The answer is complete.
    func end()
    /// The backend gave no answer: the browser gets `page` (the 502) instead.
    func failed(_ page: HTTPResponse, body: ByteBuffer?)
    /// The answer broke off after its head: the browser's connection is closed, as it is
    /// when a body cannot be finished.
    func broke()
}

/// Stops a request forwarded from the event loop: the browser left, or the server stops.
package struct ForwardCancellation: Sendable {
    let cancel: @Sendable () -> Void

    package init(_ cancel: @escaping @Sendable () -> Void) {
        self.cancel = cancel
    }
}

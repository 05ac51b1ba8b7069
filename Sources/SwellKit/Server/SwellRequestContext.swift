import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the event loop of the request's connection,
/// on which an event stream runs (`EventLoopExecutor`), and the peer's address, which the
/// proxy reports to the backend as `X-Forwarded-For`.
package struct SwellRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let eventLoop: any EventLoop
    /// The client's IP address as text, nil when unknown (a Unix socket).
    package let clientAddress: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

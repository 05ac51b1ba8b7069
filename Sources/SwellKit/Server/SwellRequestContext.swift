import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the event loop of the request's connection,
/// on which an event stream runs (`EventLoopExecutor`).
public struct SwellRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let eventLoop: any EventLoop

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}

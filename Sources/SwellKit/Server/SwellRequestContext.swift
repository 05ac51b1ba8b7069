import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the event loop of the request's connection,
/// on which an event stream runs (`EventLoopExecutor`).
struct SwellRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let eventLoop: any EventLoop

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}

import NIOCore
import NIOHTTP1

/// Marks HTTP/1.0 requests that did not ask for keep-alive with `Connection: close`.
///
/// The HTTP-types request Hummingbird hands to the responder no longer carries the HTTP
/// version, and Hummingbird only ends a connection on `Connection: close`; without this
/// a plain HTTP/1.0 client (`ab`, `python3 -m http.client`) would wait on an open socket.
/// It sits between NIO's HTTP/1 decoder and the HTTP-types codec.
final class HTTP10CloseHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version == .http1_0, !head.isKeepAlive,
            !head.headers.contains(name: "connection")
        else {
            context.fireChannelRead(data)
            return
        }
        head.headers.add(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

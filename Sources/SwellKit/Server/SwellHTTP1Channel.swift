import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with Swell's handlers around NIO's HTTP/1 decoder:
/// `RequestBytesObserver` first (after the TLS handler, over HTTPS), then
/// `RequestHeadTimeoutHandler`, `HTTP10CloseHandler` and `AbsoluteFormHandler` before the
/// HTTP-types codec (which drops what they need: the HTTP version, the raw parts, the target's
/// form). After the codec, `RequestSchemeHandler` says which scheme the request really came
/// over, and `WebSocketTunnelHandler` follows: with `--proxy` it takes a backend's WebSocket
/// upgrades off HTTP, and it ends the connection after any upgrade request it does not take.
package struct SwellHTTP1Channel: ServerChildChannel {
    package typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let requestHeadTimeout: TimeAmount
    let tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?
    /// `http`, or `https` behind TLS.
    let scheme: String
    let hotPaths: HotPaths?

    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            let deadline = RequestHeadDeadline(limit: requestHeadTimeout)
            try pipeline.addHandler(RequestBytesObserver(deadline: deadline), position: pipeline.firstPlaintextPosition)
            try pipeline.addHandler(RequestHeadTimeoutHandler(deadline: deadline), position: .before(codec))
            try pipeline.addHandler(HTTP10CloseHandler(), position: .before(codec))
            try pipeline.addHandler(AbsoluteFormHandler(), position: .before(codec))
            let schemeHandler = RequestSchemeHandler(scheme: scheme)
            try pipeline.addHandler(schemeHandler, position: .after(codec))
            try pipeline.addHandler(WebSocketTunnelHandler(tunnel: tunnel), position: .after(schemeHandler))
            if let hotPaths {
                // After Hummingbird's connection state, which then counts these requests too
                // (idle timeout, graceful shutdown), and before its async channel.
                let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
                try pipeline.addHandler(QuiesceNotifier(), position: .before(state))
                // `sendfile` needs the plain socket: TLS encrypts every byte in memory.
                let handler = HotPathHandler(hotPaths, eventStreams: true, fileRegions: scheme == "http" && !pipeline.isEncrypted, forwards: true)
                try pipeline.addHandler(handler, position: .after(state))
            }
            return value
        }
    }

    package func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The pieces every connection's channel is made of, HTTP/1.1 over plain TCP or TLS and
/// HTTP/2 alike, so that `SecureTransport` composes them rather than loses Swell's protections.
package struct SwellChannelParts: Sendable {
    package let http1: HTTP1Channel.Configuration
    package let requestHeadTimeout: Duration
    let tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?
    let hotPaths: HotPaths?

    /// HTTP/1.1 with Swell's handlers, whose requests say they came over `scheme`.
    package func http1Channel(responder: @escaping HTTPChannelHandler.Responder, scheme: String) -> SwellHTTP1Channel {
        SwellHTTP1Channel(
            base: HTTP1Channel(responder: responder, configuration: http1),
            requestHeadTimeout: TimeAmount(requestHeadTimeout),
            tunnel: tunnel,
            scheme: scheme,
            hotPaths: hotPaths
        )
    }

    /// The handlers of an HTTP/2 stream, after its HTTP-types codec: the stream's requests
    /// came over TLS, whatever `:scheme` the client claims.
    package func http2StreamHandlers() -> [any RemovableChannelHandler] {
        [RequestSchemeHandler(scheme: "https")]
            + (hotPaths.map { [HotPathHandler($0, eventStreams: false, fileRegions: false, forwards: false)] } ?? [])
    }
}

/// What each connection's `HotPathHandler` asks: the responder's own judgement of a request
/// (and whether an event stream may be answered there), and the `Server` header.
struct HotPaths: Sendable {
    let serverName: String?
    let answer: @Sendable (HTTPRequest, _ eventStreams: Bool, _ fileRegions: Bool, _ forwards: Bool) -> HotAnswer?
}

extension ChannelPipeline.SynchronousOperations {
    /// The name under which a TLS handler sits in a connection's pipeline.
    package static let tlsHandlerName = "swell.tls"
    /// The name of the handler that tells TLS from plain HTTP by the first byte, until it leaves.
    package static let snifferName = "swell.sniffer"

    /// Whether the connection runs through TLS.
    var isEncrypted: Bool { (try? context(name: Self.tlsHandlerName)) != nil }

    /// Where a handler that reads the connection's bytes as the client sent them goes: first,
    /// or right after the TLS handler, or after the sniffer that will hand it the first bytes.
    package var firstPlaintextPosition: ChannelPipeline.SynchronousOperations.Position {
        for name in [Self.tlsHandlerName, Self.snifferName] {
            if let found = try? context(name: name) { return .after(found.handler) }
        }
        return .first
    }
}

/// Sets the scheme of every request to the one it came over: NIO's HTTP/1 codec is told
/// nothing of TLS, and an HTTP/2 client chooses its own `:scheme`. The responder's `307` for
/// plain HTTP on the HTTPS port, and every same-origin check, read it.
final class RequestSchemeHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    let scheme: String

    init(scheme: String) {
        self.scheme = scheme
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        request.scheme = scheme
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 that also closes plain HTTP/1.0 connections after their response.
    static func swellHTTP1(_ parts: SwellChannelParts) -> HTTPServerBuilder {
        .init { responder in parts.http1Channel(responder: responder, scheme: "http") }
    }
}

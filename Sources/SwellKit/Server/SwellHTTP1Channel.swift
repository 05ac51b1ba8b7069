import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with Swell's handlers around NIO's HTTP/1 decoder:
/// `RequestBytesObserver` first, then `RequestHeadTimeoutHandler`, `HTTP10CloseHandler` and
/// `AbsoluteFormHandler` before the HTTP-types codec (which drops what they need: the HTTP
/// version, the raw parts, the target's form). `WebSocketTunnelHandler` follows the codec: with
/// `--proxy` it takes a backend's WebSocket upgrades off HTTP, and it ends the connection
/// after any upgrade request it does not take.
struct SwellHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let requestHeadTimeout: TimeAmount
    let tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            let deadline = RequestHeadDeadline(limit: requestHeadTimeout)
            try pipeline.addHandler(RequestBytesObserver(deadline: deadline), position: .first)
            try pipeline.addHandler(RequestHeadTimeoutHandler(deadline: deadline), position: .before(codec))
            try pipeline.addHandler(HTTP10CloseHandler(), position: .before(codec))
            try pipeline.addHandler(AbsoluteFormHandler(), position: .before(codec))
            try pipeline.addHandler(WebSocketTunnelHandler(tunnel: tunnel), position: .after(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 that also closes plain HTTP/1.0 connections after their response.
    static func swellHTTP1(
        configuration: HTTP1Channel.Configuration,
        requestHeadTimeout: Duration,
        tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)? = nil
    ) -> HTTPServerBuilder {
        .init { responder in
            SwellHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: configuration),
                requestHeadTimeout: TimeAmount(requestHeadTimeout),
                tunnel: tunnel
            )
        }
    }
}

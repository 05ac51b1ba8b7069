import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import SwellKit

/// The backend end of a WebSocket tunnel: a connection of its own (AsyncHTTPClient keeps none
/// it would hand over after a `101`), TLS for an `https://` backend, the upgrade written with
/// NIO's request encoder, and from then on a `ByteRelayHandler` nearest the socket, so the
/// backend's answer comes back unparsed.
struct SocketTunneler: BackendTunneler {
    /// The TLS context for `https://` backends, made once: certificates checked against the
    /// system's roots unless `--proxy-insecure`.
    private let tls: NIOSSLContext?
    let connectTimeout: TimeAmount
    /// Counts tunnels with the forwarded requests in `/__swell/status`.
    let health: BackendHealth

    init(settings: ProxySettings, health: BackendHealth, connectTimeout: TimeAmount = .seconds(10)) {
        self.health = health
        var configuration = TLSConfiguration.makeClientConfiguration()
        if settings.acceptsAnyCertificate { configuration.certificateVerification = .none }
        tls = settings.upstreams.contains { $0.scheme == "https" } ? try? NIOSSLContext(configuration: configuration) : nil
        self.connectTimeout = connectTimeout
    }

    func connect(to upstream: ProxyUpstream, sending head: HTTPRequestHead, on eventLoop: any EventLoop) -> EventLoopFuture<ByteRelayHandler> {
        let tls = upstream.scheme == "https" ? self.tls : nil
        if upstream.scheme == "https" && tls == nil {
            return eventLoop.makeFailedFuture(TunnelError("TLS could not be set up"))
        }
        // The server name is sent for a name, never for an address (RFC 6066 §3).
        // (An IPv6 literal may start with a letter: `fe80::1`.)
        let isAddress = upstream.host.contains(":") || upstream.host.allSatisfy { $0.isNumber || $0 == "." }
        let serverName = isAddress ? nil : upstream.host
        health.forwarded(to: upstream)
        let health = self.health
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        try pipeline.addHandler(HandshakeWaiter(promise: channel.eventLoop.makePromise()))
                    }
                    try pipeline.addHandler(ByteRelayHandler())
                    try pipeline.addHandler(HTTPRequestEncoder())
                }
            }
            .connect(host: upstream.host, port: upstream.port)
            .flatMap { channel in
                // A certificate the backend's TLS cannot stand behind is a 502 with its reason,
                // not a tunnel that closes without a word.
                let waiter = try? channel.pipeline.syncOperations.handler(type: HandshakeWaiter.self)
                return (waiter?.promise.futureResult ?? channel.eventLoop.makeSucceededVoidFuture()).map { channel }
            }
            .flatMapThrowing { channel in
                let pipeline = channel.pipeline.syncOperations
                let relay = try pipeline.handler(type: ByteRelayHandler.self)
                // Written from the tail, through the encoder; nothing the backend sends reaches it.
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                health.answered(by: upstream)
                return relay
            }
            .flatMapErrorThrowing { error in
                health.failed(upstream)
                throw TunnelError(ProxyResponder.reason(for: error, timeout: .zero))
            }
    }
}

/// Completes when the backend's TLS handshake has, or fails with its error, then steps aside.
private final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            promise.succeed()
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TunnelError("the backend closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }
}

/// Why the backend end of a tunnel could not be made, in the words the `502` shows.
struct TunnelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

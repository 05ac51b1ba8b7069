import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwellKit

/// One connection on the HTTPS port: TLS with HTTP/2 or HTTP/1.1 chosen by ALPN, or plain
/// HTTP/1.1, told apart by the first byte (`TransportSniffer`).
///
/// Each is made of Swell's own parts (`SwellChannelParts`): TLS HTTP/1.1 and plain HTTP/1.1
/// keep the request-head timeout, HTTP/1.0 close, absolute-form refusal and WebSocket
/// tunnel; HTTP/2 streams go through Hummingbird's `HTTP2Channel` with the stream handlers
/// the parts name. A connection that has not finished its TLS handshake (or sent a byte)
/// within the request-head limit is closed.
struct SecureServerChannel: ServerChildChannel {
    enum Connection: Sendable {
        case http1(SwellHTTP1Channel.Value)
        case http2(HTTP2Channel.Value)
        case plain(SwellHTTP1Channel.Value)
    }

    struct Value: ServerChildChannelValue {
        let connection: EventLoopFuture<Connection>
        let channel: any Channel
    }

    let context: NIOSSLContext
    let secureHTTP1: SwellHTTP1Channel
    let plainHTTP1: SwellHTTP1Channel
    let http2: HTTP2Channel
    let handshakeLimit: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let settled = channel.eventLoop.makePromise(of: Connection.self)
        let sniffer = TransportSniffer { isTLS, channel in
            isTLS ? self.configureTLS(channel, logger: logger, settled: settled) : self.configurePlain(channel, logger: logger, settled: settled)
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(sniffer, name: ChannelPipeline.SynchronousOperations.snifferName)
            let limit = channel.eventLoop.scheduleTask(in: handshakeLimit) {
                settled.fail(ChannelError.connectTimeout(handshakeLimit))
                channel.close(promise: nil)
            }
            settled.futureResult.whenComplete { _ in limit.cancel() }
            // A connection that closes before it settles must not leave `handle` waiting.
            channel.closeFuture.whenComplete { _ in settled.fail(ChannelError.alreadyClosed) }
            return Value(connection: settled.futureResult, channel: channel)
        }
    }

    private func configurePlain(_ channel: any Channel, logger: Logger, settled: EventLoopPromise<Connection>) -> EventLoopFuture<Void> {
        let ready = plainHTTP1.setup(channel: channel, logger: logger).map(Connection.plain)
        ready.cascade(to: settled)
        return ready.map { _ in }
    }

    private func configureTLS(_ channel: any Channel, logger: Logger, settled: EventLoopPromise<Connection>) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(NIOSSLServerHandler(context: context), name: ChannelPipeline.SynchronousOperations.tlsHandlerName)
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<Connection> { result, channel in
                switch result {
                case .negotiated("h2"):
                    return self.http2.setup(channel: channel, logger: logger).map(Connection.http2)
                case .negotiated("http/1.1"), .fallback:
                    return self.secureHTTP1.setup(channel: channel, logger: logger).map(Connection.http1)
                case .negotiated:
                    return channel.close().flatMap { channel.eventLoop.makeFailedFuture(UnexpectedProtocol()) }
                }
            }
            try pipeline.addHandler(negotiation)
            negotiation.protocolNegotiationResult.cascade(to: settled)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let connection = try? await value.connection.get() else { return }
        switch connection {
        case .http1(let http1): await secureHTTP1.handle(value: http1, logger: logger)
        case .plain(let plain): await plainHTTP1.handle(value: plain, logger: logger)
        case .http2(let http2): await self.http2.handle(value: http2, logger: logger)
        }
    }
}

/// ALPN chose a protocol Swell did not offer.
struct UnexpectedProtocol: Error {}

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Takes a WebSocket upgrade on a backend's path off the HTTP pipeline and tunnels the
/// connection to the backend (`--proxy`), after the checks of `WebSocketUpgradeGate`.
///
/// Sits right after the HTTP-types codec. An upgrade the gate accepts never reaches the
/// responder: the backend connection is made, the upgrade sent on, and a `ByteRelayHandler`
/// put first in this pipeline (after TLS, over HTTPS), so from then on the backend's answer (its `101`, or a refusal)
/// and every frame go through unparsed both ways. A backend that cannot be reached gets the
/// browser a `502` on the HTTP side, and the connection closes.
///
/// Any other upgrade request (without `--proxy`, or one the gate declines) goes on to the
/// responder marked `Connection: close`: NIO's decoder takes whatever follows an upgrade
/// request for the new protocol, so the connection must end with its answer, and Hummingbird
/// ends it only when the request says `close`.
final class WebSocketTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?
    /// Set once an upgrade is taken: the HTTP parts that follow it are the tunnel's, not a request's.
    private var tunnelling = false

    init(tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?) {
        self.tunnel = tunnel
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if tunnelling { return }
        guard case .head(var request) = unwrapInboundIn(data), request.headerFields[.upgrade] != nil else {
            context.fireChannelRead(data)
            return
        }
        guard let (gate, tunneler) = tunnel, let upstream = gate.upstream(for: request) else {
            request.headerFields[.connection] = "close"
            context.fireChannelRead(wrapInboundOut(.head(request)))
            return
        }
        tunnelling = true
        // Nothing more is read from the browser until the backend end exists.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        let head = gate.backendHead(for: request, upstream: upstream, clientAddress: context.channel.remoteAddress?.ipAddress)
        tunneler.connect(to: upstream, sending: head, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let backend):
                let relay = ByteRelayHandler()
                do {
                    let pipeline = context.pipeline.syncOperations
                    try pipeline.addHandler(relay, position: pipeline.firstPlaintextPosition)
                } catch {
                    context.close(promise: nil)
                    return
                }
                ByteRelayHandler.join(relay, backend)
                try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
            case .failure(let error):
                self.refuse(context: context, backend: upstream.displayURL, reason: "\(error)")
            }
        }
    }

    /// The `502` for an upgrade whose backend could not be reached, then the connection closes.
    private func refuse(context: ChannelHandlerContext, backend: String, reason: String) {
        let hint = reason.contains("refused") ? " Is the backend running?" : ""
        let text = "502 Bad Gateway: the WebSocket upgrade could not reach \(backend) (\(reason)).\(hint)\n"
        var body = context.channel.allocator.buffer(capacity: text.utf8.count)
        body.writeString(text)
        var response = HTTPResponse(status: .badGateway)
        response.headerFields[.contentType] = "text/plain; charset=utf-8"
        response.headerFields[.contentLength] = String(body.readableBytes)
        response.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

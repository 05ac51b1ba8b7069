import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// The seam between the engine and the proxy's HTTP client, which lives in its own target
/// (`SwellProxy`) so that an embedder who never forwards does not build AsyncHTTPClient,
/// BoringSSL or zlib. `swell` passes one to `SwellServer`; without it `--proxy` is refused.
package protocol ProxyEngine: Sendable {
    /// The client for one server: a service that owns it (started before, stopped after the
    /// HTTP server), the forwarder its requests go through and the tunneler its WebSocket
    /// upgrades go through.
    func start(
        settings: ProxySettings,
        health: BackendHealth,
        injection: InjectionPolicy,
        logger: Logger,
        backendIsBack: (@Sendable () -> Void)?
    ) -> (service: any Service, forwarder: any BackendForwarder, tunneler: any BackendTunneler)
}

/// Answers one request from a backend. `SwellResponder` has run every security default on it
/// and chosen `upstream`.
package protocol BackendForwarder: Sendable {
    func respond(to request: Request, context: SwellRequestContext, upstream: ProxyUpstream) async -> Response

    /// Forwards `request` (a GET or HEAD without a body) from the browser connection's event
    /// loop, with no task (a backend connection on the same loop is preferred), and its answer goes
    /// to `sink` part by part. Nil when this forwarder cannot, and `respond` answers instead.
    func forward(
        _ request: HTTPRequest,
        upstream: ProxyUpstream,
        clientAddress: String?,
        to sink: NIOLoopBound<any ForwardedAnswerSink>,
        on eventLoop: any EventLoop
    ) -> ForwardCancellation?
}

/// Opens the backend side of a WebSocket tunnel (connection-level: AsyncHTTPClient gives a
/// connection up after a `101`).
package protocol BackendTunneler: Sendable {
    /// Connects to `upstream` on `eventLoop` (the browser connection's, so both ends of the
    /// tunnel share one thread), sends `head`, and returns the relay at the backend end, ready
    /// to be joined to the browser's; everything the backend sends, its `101` first, goes
    /// through it unparsed.
    func connect(to upstream: ProxyUpstream, sending head: HTTPRequestHead, on eventLoop: any EventLoop) -> EventLoopFuture<ByteRelayHandler>
}

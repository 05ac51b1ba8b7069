import Hummingbird
import Logging
import ServiceLifecycle

/// The seam between the engine and the proxy's HTTP client, which lives in its own target
/// (`SwellProxy`) so that an embedder who never forwards does not build AsyncHTTPClient,
/// BoringSSL or zlib. `swell` passes one to `SwellServer`; without it `--proxy` is refused.
package protocol ProxyEngine: Sendable {
    /// The client for one server: a service that owns it (started before, stopped after the
    /// HTTP server) and the forwarder its requests go through.
    func start(
        settings: ProxySettings,
        health: BackendHealth,
        injection: InjectionPolicy,
        logger: Logger,
        backendIsBack: (@Sendable () -> Void)?
    ) -> (service: any Service, forwarder: any BackendForwarder)
}

/// Answers one request from a backend. `SwellResponder` has run every security default on it
/// and chosen `upstream`.
package protocol BackendForwarder: Sendable {
    func respond(to request: Request, context: SwellRequestContext, upstream: ProxyUpstream) async -> Response
}

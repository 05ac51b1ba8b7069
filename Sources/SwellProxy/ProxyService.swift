import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import SwellKit

/// The proxy's long-lived part: the HTTP client every proxied request shares (its pool keeps
/// backend connections open between requests), and the watch on backends that stopped
/// answering. While one is down, it is asked every 250 ms; the first answer publishes one
/// `reload`, so a page left on the 502 during a backend restart comes back by itself.
///
/// It stops after the HTTP server has drained (services stop in reverse order), then shuts
/// the client down.
struct ProxyService: Service {
    let client: HTTPClient
    let health: BackendHealth
    let logger: Logger
    /// Publishes the `reload` for pages on the 502; nil with `--no-reload`.
    let backendIsBack: (@Sendable () -> Void)?
    let probeInterval: Duration

    init(
        settings: ProxySettings,
        health: BackendHealth,
        logger: Logger,
        probeInterval: Duration = .milliseconds(250),
        backendIsBack: (@Sendable () -> Void)?
    ) {
        var configuration = HTTPClient.Configuration()
        // The browser follows the backend's redirects itself, and sees its encoding as sent.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.httpVersion = .http1Only
        // No tracer: a span per proxied request was 3 % of the proxy's time, for nobody.
        configuration.tracing.tracer = nil
        // No read timeout: an event stream may be quiet for minutes. A connection that cannot
        // be made at all is a 502 after 10 s.
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        // Idle backend connections close after 10 s, so descriptors return to the baseline.
        configuration.connectionPool = .init(idleTimeout: .seconds(10), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A refused connection is the backend restarting: the browser gets the 502 page (which
        // reloads by itself) at once, not after 10 s of the client library's retries.
        configuration.connectionPool.retryConnectionEstablishment = false
        if settings.acceptsAnyCertificate {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
        self.health = health
        self.logger = logger
        self.probeInterval = probeInterval
        self.backendIsBack = backendIsBack
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in health.wakeups {
                await probeUntilBack()
            }
        } onGracefulShutdown: {
            health.finish()
        }
        try? await client.shutdown()
    }

    /// Asks every down backend until all of them answer (or the server stops).
    private func probeUntilBack() async {
        while !health.down.isEmpty && !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: probeInterval)
            var cameBack = false
            for upstream in health.down where await answers(upstream) {
                health.answered(by: upstream)
                logger.info("proxy: \(upstream.displayURL) answers again")
                cameBack = true
            }
            if cameBack && health.down.isEmpty { backendIsBack?() }
        }
    }

    /// Whether the backend gives any answer head at all (a 404 counts: it is up).
    private func answers(_ upstream: ProxyUpstream) async -> Bool {
        var request = HTTPClientRequest(url: upstream.scheme + "://" + upstream.authority + upstream.basePath + "/")
        request.method = .HEAD
        request.headers.add(name: "Host", value: upstream.authority)
        guard let response = try? await client.execute(request, timeout: .seconds(2), logger: logger) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return true
    }
}

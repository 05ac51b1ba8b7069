import Logging
import ServiceLifecycle
import SwellKit

/// The proxy `swell` runs: AsyncHTTPClient for the backends, one client per server.
package struct HTTPClientProxyEngine: ProxyEngine {
    package init() {}

    package func start(
        settings: ProxySettings,
        health: BackendHealth,
        injection: InjectionPolicy,
        logger: Logger,
        backendIsBack: (@Sendable () -> Void)?
    ) -> (service: any Service, forwarder: any BackendForwarder, tunneler: any BackendTunneler) {
        let service = ProxyService(settings: settings, health: health, logger: logger, backendIsBack: backendIsBack)
        let forwarder = ProxyResponder(settings: settings, client: service.client, health: health, injection: injection, logger: logger)
        return (service, forwarder, SocketTunneler(settings: settings, health: health))
    }
}

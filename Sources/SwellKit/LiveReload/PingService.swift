import AsyncAlgorithms
import ServiceLifecycle

/// Sends `: ping` on every live-reload stream every 15 s, so proxies keep them open and
/// dead peers are found. One timer for all clients.
struct PingService: Service {
    let hub: EventHub
    let interval: Duration

    init(hub: EventHub, interval: Duration = .seconds(15)) {
        self.hub = hub
        self.interval = interval
    }

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            hub.ping()
        }
    }
}

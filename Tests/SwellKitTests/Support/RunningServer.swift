import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwellTestSupport

@testable import SwellKit

/// Runs a real `SwellServer` application on 127.0.0.1 and an OS-chosen port for the
/// duration of `body`, then shuts it down gracefully.
func withRunningServer<T: Sendable>(
    _ site: TemporarySite,
    configure: (inout SwellConfiguration) -> Void = { _ in },
    _ body: @Sendable (RawHTTPClient) async throws -> T
) async throws -> T {
    try await withRunningServer(site, configure: configure) { (_: SwellServer, client: RawHTTPClient) in try await body(client) }
}

/// The same, with the server itself, for tests that publish on it.
func withRunningServer<T: Sendable>(
    _ site: TemporarySite,
    configure: (inout SwellConfiguration) -> Void = { _ in },
    _ body: @Sendable (SwellServer, RawHTTPClient) async throws -> T
) async throws -> T {
    var configuration = SwellConfiguration(root: site.root.path)
    configuration.port = 0
    configure(&configuration)
    let server = try SwellServer(configuration: configuration)
    var logger = Logger(label: "swell.test")
    logger.logLevel = .warning
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = server.makeApplication(port: 0, logger: logger) { listening in
        continuation.yield(listening.port)
    }
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let value = try await body(server, RawHTTPClient(port: port))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

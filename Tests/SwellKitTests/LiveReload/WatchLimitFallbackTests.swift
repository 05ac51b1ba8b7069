import Foundation
import Logging
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct WatchLimitFallbackTests {
    @Test func aQueueOverflowReloadsEveryPage() async throws {
        let site = try TemporarySite(["page.html": "1"])
        let hub = EventHub(instanceID: "test")
        var logger = Logger(label: "swell.test")
        logger.logLevel = .critical
        let service = LiveReloadService(
            configuration: SwellConfiguration(root: site.root.path),
            hub: hub,
            logger: logger,
            clock: .continuous,
            watchers: .scripted(inotify: ScriptedWatcher([.ready, .overflow]))
        )
        let queue = hub.subscribe(lastEventID: nil)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        guard case .event(let event) = await queue.next() else {
            Issue.record("no event after the overflow")
            return
        }
        #expect(event.name == .reload)
        #expect(event.data == #"{"paths":[]}"#)
    }

    @Test func reachingTheWatchLimitSwitchesToPollingAndChangesStillArrive() async throws {
        let site = try TemporarySite(["page.html": "1"])
        var configuration = SwellConfiguration(root: site.root.path)
        configuration.pollMilliseconds = 20
        let hub = EventHub(instanceID: "test")
        var logger = Logger(label: "swell.test")
        logger.logLevel = .critical
        let service = LiveReloadService(
            configuration: configuration,
            hub: hub,
            logger: logger,
            clock: .continuous,
            watchers: .scripted(inotify: ScriptedWatcher([.watchLimitReached]))
        )
        let queue = hub.subscribe(lastEventID: nil)
        let running = Task { try await service.run() }
        defer { running.cancel() }

        let ready = await eventually(within: .seconds(5)) { service.watcherStatus.kind == .polling && service.watcherStatus.ready }
        #expect(ready, "the service never fell back to a ready polling watcher")
        try site.write("page.html", "changed after the fallback")
        let item = await queue.next()
        guard case .event(let event) = item else {
            Issue.record("no event after the fallback: \(String(describing: item))")
            return
        }
        #expect(event.name == .reload)
        #expect(event.data == #"{"paths":["/page.html"]}"#)
    }
}

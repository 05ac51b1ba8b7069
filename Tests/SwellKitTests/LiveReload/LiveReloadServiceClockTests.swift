import Logging
import SwellTestSupport
import Synchronization
import Testing

@testable import SwellKit

/// The service's batching on a test clock: no real time passes between a change and the
/// instant it is due, so each assertion is about exactly when an event goes out.
@Suite struct LiveReloadServiceClockTests {
    /// A watcher the test speaks through.
    final class ManualWatcher: FileWatcher {
        let kind = WatcherKind.inotify
        var watchCount: Int { 1 }
        private let sink = Shared<(@Sendable (WatcherOutput) -> Void)?>(nil)

        func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void) { self.sink.value.withLock { $0 = sink } }
        func stop() {}
        func sync(_ token: Int) { send(.synced(token)) }
        func send(_ output: WatcherOutput) { sink.value.withLock { $0 }?(output) }
        var isStarted: Bool { sink.value.withLock { $0 != nil } }
    }

    struct Fixture {
        let clock = TestClock()
        let watcher = ManualWatcher()
        let hub = EventHub(instanceID: "test")
        let service: LiveReloadService<TestClock>

        init(waitMilliseconds: Int = 50, adaptive: Bool = true) {
            var configuration = SwellConfiguration(root: "/r")
            configuration.waitMilliseconds = waitMilliseconds
            configuration.adaptiveQuiet = adaptive
            var logger = Logger(label: "swell.test")
            logger.logLevel = .critical
            let watcher = self.watcher
            service = LiveReloadService(
                configuration: configuration,
                hub: hub,
                logger: logger,
                clock: clock,
                probe: AlwaysThere(),
                watchers: WatcherFactory { _, _, _ in watcher }
            )
        }

        /// Sends `path` as changed and waits until the service sleeps until `deadline` (ms from the start).
        func change(_ path: String, settles: Bool = false, deadline: Int) async {
            watcher.send(.change(WatchEvent(path: path, kind: .modified, settles: settles)))
            let expected = Duration.milliseconds(deadline)
            let parked = await eventually(within: .seconds(5), every: .milliseconds(1)) { clock.deadlines == [expected] }
            #expect(parked, "the service sleeps until \(clock.deadlines), not \(expected)")
        }

        var published: Int { hub.lastEventID.map { Int($0.sequence) } ?? 0 }
    }

    struct AlwaysThere: ExistenceProbe {
        func exists(_ path: String) -> Bool { true }
    }

    func running(_ fixture: Fixture, _ body: () async throws -> Void) async throws {
        let task = Task { try await fixture.service.run() }
        defer { task.cancel() }
        #expect(await eventually(within: .seconds(5), every: .milliseconds(1)) { fixture.watcher.isStarted })
        try await body()
    }

    @Test func aChangeIsPublishedWhenTheQuietPeriodEndsAndNotBefore() async throws {
        let fixture = Fixture(waitMilliseconds: 50)
        try await running(fixture) {
            await fixture.change("/r/a.html", deadline: 50)
            fixture.clock.advance(by: .milliseconds(49))
            #expect(fixture.clock.deadlines == [.milliseconds(50)])
            #expect(fixture.published == 0)
            fixture.clock.advance(by: .milliseconds(1))
            #expect(await eventually(within: .seconds(5), every: .milliseconds(1)) { fixture.published == 1 })
        }
    }

    @Test func aSteadyTrickleIsFlushedAtTheCeilingOneSecondAfterTheBatchOpened() async throws {
        let fixture = Fixture(waitMilliseconds: 50)
        try await running(fixture) {
            // One change every 40 ms: the quiet period never ends, the ceiling fires at 1 s.
            for step in 0..<25 {
                await fixture.change("/r/file\(step).js", deadline: min(step * 40 + 50, 1000))
                #expect(fixture.published == 0, "published at \(step * 40) ms")
                fixture.clock.advance(by: .milliseconds(40))
            }
            #expect(await eventually(within: .seconds(5), every: .milliseconds(1)) { fixture.published == 1 })
        }
    }

    @Test func aFinishedSaveOfOneFileNeedsOnlyTheShortSettlePeriod() async throws {
        let fixture = Fixture(waitMilliseconds: 50)
        try await running(fixture) {
            await fixture.change("/r/a.css", settles: true, deadline: 5)
            fixture.clock.advance(by: .milliseconds(5))
            #expect(await eventually(within: .seconds(5), every: .milliseconds(1)) { fixture.published == 1 })
        }
    }

    /// `--wait 400` given explicitly: a finished save waits the whole 400 ms too, so two files
    /// written 200 ms apart are one event (SPEC, Quiet period).
    @Test func anExplicitWaitMeansWhatItSaysEvenForAFinishedSave() async throws {
        let fixture = Fixture(waitMilliseconds: 400, adaptive: false)
        try await running(fixture) {
            await fixture.change("/r/a.html", settles: true, deadline: 400)
            fixture.clock.advance(by: .milliseconds(200))
            await fixture.change("/r/b.html", settles: true, deadline: 600)
            fixture.clock.advance(by: .milliseconds(399))
            #expect(fixture.clock.deadlines == [.milliseconds(600)])
            #expect(fixture.published == 0)
            fixture.clock.advance(by: .milliseconds(1))
            #expect(await eventually(within: .seconds(5), every: .milliseconds(1)) { fixture.published == 1 })
            #expect(fixture.hub.lastEventID?.sequence == 1, "one event for both files")
        }
    }

    @Test func withNoBatchOpenTheServiceSleepsOnNoTimer() async throws {
        let fixture = Fixture()
        try await running(fixture) {
            for _ in 0..<50 { await Task.yield() }
            #expect(fixture.clock.sleeperCount == 0)
        }
    }
}

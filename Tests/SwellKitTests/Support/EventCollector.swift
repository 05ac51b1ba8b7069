import SwellTestSupport
import Synchronization

@testable import SwellKit

/// Collects a watcher's outputs as they come; tests wait for what they expect with a deadline.
final class EventCollector: Sendable {
    private let outputs = Shared<[WatcherOutput]>([])

    /// Starts `watcher` into this collector.
    init(_ watcher: any FileWatcher) {
        let outputs = self.outputs
        watcher.start { output in outputs.value.withLock { $0.append(output) } }
    }

    /// The changes so far, in order.
    var all: [WatchEvent] {
        outputs.value.withLock { $0.compactMap { if case .change(let event) = $0 { event } else { nil } } }
    }

    var isReady: Bool { outputs.value.withLock { $0.contains(.ready) } }

    /// Waits until `condition` holds for the changes so far, at most `timeout`.
    @discardableResult
    func waitUntil(timeout: Duration = .seconds(10), _ condition: ([WatchEvent]) -> Bool) async -> Bool {
        await eventually(within: timeout) { condition(all) }
    }

    /// Waits until the watcher says its watch is complete.
    func waitUntilReady(timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(within: timeout) { isReady }
    }

    func clear() { outputs.value.withLock { $0.removeAll() } }
}

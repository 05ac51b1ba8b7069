import Foundation
import SwellTestSupport
import Synchronization

@testable import SwellKit

/// Collects a watcher's events in the background; tests wait for what they expect with a deadline.
final class EventCollector: Sendable {
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<WatchEvent>) {
        let box = Shared<[WatchEvent]>([])
        self.box = box
        task = Task { for await event in stream { box.value.withLock { $0.append(event) } } }
    }

    private let box: Shared<[WatchEvent]>

    deinit { task.cancel() }

    var all: [WatchEvent] { box.value.withLock { $0 } }

    /// Waits until `condition` holds for the events so far (checked every 10 ms), at most `timeout`.
    @discardableResult
    func waitUntil(timeout: Duration = .seconds(10), _ condition: ([WatchEvent]) -> Bool) async -> Bool {
        await eventually(within: timeout) { condition(all) }
    }

    func clear() { box.value.withLock { $0.removeAll() } }
}

import Foundation
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
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(all)
    }

    func clear() { box.value.withLock { $0.removeAll() } }
}

/// A `Mutex` shared by reference.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
}

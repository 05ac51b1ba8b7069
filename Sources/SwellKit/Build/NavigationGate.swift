import ServiceLifecycle
import Synchronization

/// Holds page navigations while a build runs, so that a reload never lands on a half-written
/// site: `close()` when a build starts, `open()` once its batch is published (a queued
/// follow-up build keeps it closed). A waiter gives up after its limit, or at shutdown.
final class NavigationGate: Sendable {
    private struct State {
        var closed = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())
    /// `state.closed`, readable without the lock: every request asks, and the gate is nearly always open.
    private let closed = Atomic<Bool>(false)

    init() {}

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    func close() {
        state.withLock { state in
            state.closed = true
            closed.store(true, ordering: .releasing)
        }
    }

    /// Lets every waiting request through.
    func open() {
        let waiters = state.withLock { state in
            state.closed = false
            closed.store(false, ordering: .releasing)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns at once while open; else when the gate opens, `limit` has passed, the task is
    /// cancelled or the server shuts down, whichever is first. True when it was held.
    @discardableResult
    func wait(upTo limit: Duration) async -> Bool {
        guard isClosed else { return false }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitForOpen() }
                group.addTask { try? await Task.sleep(for: limit) }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.open()
        }
        return true
    }

    private func waitForOpen() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

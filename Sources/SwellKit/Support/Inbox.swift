import Synchronization

/// A queue that any thread sends into and one task takes from, with a deadline on the wait.
///
/// This is what lets the live-reload service be one task: it waits for "the next input or
/// the open batch's deadline, whichever is first" on whatever `Clock` it was given, so a
/// test clock drives batching with no real time passing, and nothing wakes up on a timer
/// while no batch is open.
final class Inbox<Element: Sendable>: Sendable {
    enum Received {
        case element(Element)
        /// The deadline passed first.
        case deadline
        /// The waiting task was cancelled.
        case cancelled
    }

    private struct State {
        var buffer = Queue()
        var waiter: CheckedContinuation<Element?, Never>?
    }

    /// First in, first out, in amortised constant time (a burst of thousands of events queues here).
    private struct Queue {
        private var items: [Element] = []
        private var head = 0

        mutating func append(_ element: Element) { items.append(element) }

        mutating func prepend(_ element: Element) {
            if head > 0 {
                head -= 1
                items[head] = element
            } else {
                items.insert(element, at: 0)
            }
        }

        mutating func popFirst() -> Element? {
            guard head < items.count else { return nil }
            let element = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return element
        }
    }

    private let state = Mutex(State())

    init() {}

    /// Never blocks and never drops: an element either wakes the waiting task or queues.
    func send(_ element: Element) {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// The next element, or `.deadline` once `deadline` has passed on `clock` with none
    /// (no deadline: wait as long as it takes). One task takes at a time.
    func next<C: Clock>(until deadline: C.Instant?, clock: C) async -> Received {
        if let element = state.withLock({ $0.buffer.popFirst() }) { return .element(element) }
        guard let deadline else { return await wait().map(Received.element) ?? .cancelled }
        if clock.now >= deadline { return .deadline }
        return await withTaskGroup(of: Received.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(until: deadline, tolerance: nil)
                    return .deadline
                } catch {
                    return .cancelled
                }
            }
            group.addTask { await self.wait().map(Received.element) ?? .cancelled }
            var first = await group.next() ?? .cancelled
            group.cancelAll()
            // The loser may still have been handed an element before it saw the cancellation:
            // it goes back to the front, never lost.
            while let other = await group.next() {
                guard case .element(let element) = other else { continue }
                if case .element = first {
                    state.withLock { $0.buffer.prepend(element) }
                } else {
                    first = other
                }
            }
            if case .cancelled = first, Task.isCancelled { return .cancelled }
            return first
        }
    }

    private func wait() async -> Element? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let ready = state.withLock { state -> Element?? in
                    if let element = state.buffer.popFirst() { return .some(element) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Element?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}

import Synchronization

/// One connected client's bounded queue of events.
///
/// Publishing only appends here and never waits, so a slow or stuck client cannot delay
/// anyone else. When the queue is full, everything in it collapses into one `reload`
/// (carrying the newest id, so a later resume still lines up): the page will reload and
/// show the latest state anyway.
final class ClientQueue: Sendable {
    enum Item: Sendable, Equatable {
        case event(LiveEvent)
        case ping
    }

    let id: Int
    let capacity: Int

    private struct State {
        var items: [Item] = []
        var waiter: CheckedContinuation<Item?, Never>?
        var closed = false
        var collapses = 0
    }

    private let state = Mutex(State())

    init(id: Int, capacity: Int = 64) {
        self.id = id
        self.capacity = capacity
    }

    /// Adds an event; never blocks.
    func push(_ event: LiveEvent) {
        deliver(.event(event))
    }

    /// Adds a keep-alive comment unless one is already waiting.
    func ping() {
        deliver(.ping)
    }

    /// Ends the queue: `next()` returns nil once it is drained.
    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// How many times the queue overflowed into a single reload.
    var collapseCount: Int { state.withLock { $0.collapses } }

    /// The next item, waiting for one; nil when closed or when the waiting task is cancelled.
    func next() async -> Item? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let ready: Item?? = state.withLock { state in
                    if !state.items.isEmpty { return .some(state.items.removeFirst()) }
                    if state.closed || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            close()
        }
    }

    private func deliver(_ item: Item) {
        let waiter: CheckedContinuation<Item?, Never>? = state.withLock { state in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            switch item {
            case .ping:
                if !state.items.contains(.ping) { state.items.append(.ping) }
            case .event(let event):
                if state.items.count >= capacity {
                    state.items = [.event(LiveEvent.catchUp(id: event.id ?? EventID(instance: "", sequence: 0)))]
                    state.collapses += 1
                } else {
                    state.items.append(item)
                }
            }
            return nil
        }
        waiter?.resume(returning: item)
    }
}

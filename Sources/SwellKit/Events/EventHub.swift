import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Publishes live-reload events to every connected client and remembers the last ones
/// for clients that reconnect.
public final class EventHub: Sendable {
    /// Random per process start: a client that sees another one knows the server restarted.
    public let instanceID: String
    public let version: String

    private struct State {
        var sequence = 0
        var replay: ReplayBuffer
        var clients: [Int: ClientQueue] = [:]
        var nextClient = 1
    }

    private let state: Mutex<State>
    private let queueCapacity: Int

    public init(version: String = SwellVersion.current, replayCapacity: Int = 256, queueCapacity: Int = 64, instanceID: String? = nil) {
        self.instanceID = instanceID ?? Self.randomInstanceID()
        self.version = version
        self.queueCapacity = queueCapacity
        state = Mutex(State(replay: ReplayBuffer(capacity: replayCapacity)))
    }

    /// The greeting every stream starts with (no id, so it never moves `Last-Event-ID`).
    public var hello: LiveEvent {
        LiveEvent(id: nil, name: .hello, data: "{\"server\":" + JSONText.string(instanceID) + ",\"version\":" + JSONText.string(version) + "}")
    }

    /// Publishes a batch; returns the event that was sent.
    @discardableResult
    public func publish(_ change: ChangeSet) -> LiveEvent {
        let (event, clients) = state.withLock { state in
            state.sequence += 1
            let event = LiveEvent.change(change, id: EventID(instance: instanceID, sequence: state.sequence))
            state.replay.append(event)
            return (event, Array(state.clients.values))
        }
        // Outside the hub's lock: each push only appends to that client's own queue.
        for client in clients { client.push(event) }
        return event
    }

    /// Registers a client. Its queue starts with what it missed since `lastEventID`: the
    /// events themselves when they are still buffered, else one `reload`.
    public func subscribe(lastEventID: String?) -> ClientQueue {
        state.withLock { state in
            let queue = ClientQueue(id: state.nextClient, capacity: queueCapacity)
            state.nextClient += 1
            state.clients[queue.id] = queue
            if let header = lastEventID, !header.isEmpty {
                let latest = EventID(instance: instanceID, sequence: state.sequence)
                if let id = EventID(header), id.instance == instanceID, id.sequence <= state.sequence,
                    let missed = state.replay.events(after: id.sequence, latest: state.sequence)
                {
                    for event in missed { queue.push(event) }
                } else {
                    queue.push(.catchUp(id: latest))
                }
            }
            return queue
        }
    }

    public func unsubscribe(_ queue: ClientQueue) {
        _ = state.withLock { $0.clients.removeValue(forKey: queue.id) }
        queue.close()
    }

    /// Queues a `: ping` comment on every stream.
    public func ping() {
        for client in state.withLock({ Array($0.clients.values) }) { client.ping() }
    }

    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// The id of the newest event, nil before the first.
    public var lastEventID: EventID? {
        state.withLock { $0.sequence == 0 ? nil : EventID(instance: instanceID, sequence: $0.sequence) }
    }

    private static func randomInstanceID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

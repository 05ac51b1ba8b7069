import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Publishes live-reload events to every connected client and remembers the last ones
/// for clients that reconnect.
final class EventHub: Sendable {
    /// Random per process start: a client that sees another one knows the server restarted.
    let instanceID: String
    let version: String

    private struct State {
        var sequence = 0
        var replay: ReplayBuffer
        var clients: [Int: ClientQueue] = [:]
        /// Pages each stream serves: one for a page's own stream, every tab of the browser
        /// for a stream a SharedWorker or an elected tab holds on their behalf.
        var pages: [Int: Int] = [:]
        var nextClient = 1
        /// Where the build stands; nil when Swell runs no build.
        var build: BuildStatus?
    }

    /// Above this, a client's page count is not believed (it is only ever reported by
    /// same-origin script, but a number from the wire is still bounded).
    static let maximumPagesPerClient = 10_000

    private let state: Mutex<State>
    private let queueCapacity: Int

    init(version: String = SwellVersion.current, replayCapacity: Int = 256, queueCapacity: Int = 64, instanceID: String? = nil) {
        self.instanceID = instanceID ?? Self.randomInstanceID()
        self.version = version
        self.queueCapacity = queueCapacity
        state = Mutex(State(replay: ReplayBuffer(capacity: replayCapacity)))
    }

    /// The greeting every stream starts with (no id, so it never moves `Last-Event-ID`).
    /// `client` names the stream, so that a shared client can report how many pages it serves;
    /// `last` is the newest event id, so that a page shown from the browser's cache can tell
    /// whether it is stale.
    func hello(for client: ClientQueue) -> LiveEvent {
        let last = lastEventID.map { JSONText.string($0.description) } ?? "null"
        let build = buildStatus.map { ",\"build\":" + $0.eventJSON } ?? ""
        return LiveEvent(
            id: nil,
            name: .hello,
            data: "{\"server\":" + JSONText.string(instanceID) + ",\"version\":" + JSONText.string(version)
                + ",\"client\":\(client.id),\"last\":" + last + build + "}"
        )
    }

    /// Publishes a batch; returns the event that was sent.
    @discardableResult
    func publish(_ change: ChangeSet) -> LiveEvent {
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

    /// Sends where the build stands to every stream, and keeps it for the `hello` of streams
    /// opened later. Not numbered and not replayed: only the current state matters.
    func publishBuild(_ status: BuildStatus) {
        let event = LiveEvent.build(status)
        let clients = state.withLock { state in
            state.build = status
            return Array(state.clients.values)
        }
        for client in clients { client.push(event) }
    }

    /// The latest build status; nil when Swell runs no build.
    var buildStatus: BuildStatus? { state.withLock { $0.build } }

    /// Registers a client. Its queue starts with what it missed since `lastEventID`: the
    /// events themselves when they are still buffered, else one `reload`.
    /// `pages` is how many pages the stream serves (see `setPages`).
    func subscribe(lastEventID: String?, pages: Int = 1) -> ClientQueue {
        state.withLock { state in
            let queue = ClientQueue(id: state.nextClient, capacity: queueCapacity)
            state.nextClient += 1
            state.clients[queue.id] = queue
            state.pages[queue.id] = Self.clamp(pages)
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

    func unsubscribe(_ queue: ClientQueue) {
        state.withLock { state in
            state.clients[queue.id] = nil
            state.pages[queue.id] = nil
        }
        queue.close()
    }

    /// Records how many pages a connected stream now serves; false when no such stream is connected.
    @discardableResult
    func setPages(_ pages: Int, forClient id: Int) -> Bool {
        state.withLock { state in
            guard state.clients[id] != nil else { return false }
            state.pages[id] = Self.clamp(pages)
            return true
        }
    }

    /// Connected streams (one per browser when its pages share one) and the pages they serve.
    var presence: Presence {
        state.withLock { state in
            Presence(streams: state.clients.count, pages: state.pages.values.reduce(0, +), streamsOpened: state.nextClient - 1)
        }
    }

    /// Who is listening, for `/__swell/status`.
    struct Presence: Sendable, Equatable {
        /// Open `/__swell/events` connections.
        var streams: Int
        /// Pages those connections serve.
        var pages: Int
        /// Every `/__swell/events` connection since start, closed ones included.
        var streamsOpened: Int
    }

    private static func clamp(_ pages: Int) -> Int {
        min(max(pages, 0), maximumPagesPerClient)
    }

    /// Queues a `: ping` comment on every stream.
    func ping() {
        for client in state.withLock({ Array($0.clients.values) }) { client.ping() }
    }

    var clientCount: Int { state.withLock { $0.clients.count } }

    /// The id of the newest event, nil before the first.
    var lastEventID: EventID? {
        state.withLock { $0.sequence == 0 ? nil : EventID(instance: instanceID, sequence: $0.sequence) }
    }

    private static func randomInstanceID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

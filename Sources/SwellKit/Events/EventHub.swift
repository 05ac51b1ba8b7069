import NIOCore
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
        /// The ids of streams their connection's event loop writes (`ChannelEventStream`).
        var attached: Set<Int> = []
        /// One per event loop that has had such a stream.
        var loops: [ObjectIdentifier: LoopStreams] = [:]
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
        hello(forClient: client.id)
    }

    func hello(forClient id: Int) -> LiveEvent {
        let last = lastEventID.map { JSONText.string($0.description) } ?? "null"
        let build = buildStatus.map { ",\"build\":" + $0.eventJSON } ?? ""
        return LiveEvent(
            id: nil,
            name: .hello,
            data: "{\"server\":" + JSONText.string(instanceID) + ",\"version\":" + JSONText.string(version)
                + ",\"client\":\(id),\"last\":" + last + build + "}"
        )
    }

    /// Publishes a batch; returns the event that was sent.
    @discardableResult
    func publish(_ change: ChangeSet) -> LiveEvent {
        let (event, clients, loops) = state.withLock { state in
            state.sequence += 1
            let event = LiveEvent.change(change, id: EventID(instance: instanceID, sequence: state.sequence))
            state.replay.append(event)
            return (event, Array(state.clients.values), Array(state.loops.values))
        }
        // Outside the hub's lock: each push only appends to that client's own queue, and each
        // loop writes its own streams.
        for client in clients { client.push(event) }
        for loop in loops { loop.send(event) }
        return event
    }

    /// Sends where the build stands to every stream, and keeps it for the `hello` of streams
    /// opened later. Not numbered and not replayed: only the current state matters.
    func publishBuild(_ status: BuildStatus) {
        let event = LiveEvent.build(status)
        let (clients, loops) = state.withLock { state in
            state.build = status
            return (Array(state.clients.values), Array(state.loops.values))
        }
        for client in clients { client.push(event) }
        for loop in loops { loop.send(event) }
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
            for event in missed(since: lastEventID, state) { queue.push(event) }
            return queue
        }
    }

    /// Registers a stream that `loop` writes, from that loop: what `subscribe` does for a
    /// queue, for a `ChannelEventStream`. Returns its id, the greeting and what it missed (to
    /// be written in that order before anything `send` brings), and the sequence number of
    /// the last event before it, which the stream must skip if a send still brings it.
    func attach(on loop: any EventLoop, lastEventID: String?, pages: Int) -> (streams: LoopStreams, id: Int, opening: [LiveEvent], after: Int) {
        let (streams, id, missedEvents, after) = state.withLock { state in
            let id = state.nextClient
            state.nextClient += 1
            let key = ObjectIdentifier(loop)
            let streams = state.loops[key] ?? LoopStreams(loop: loop, capacity: queueCapacity)
            state.loops[key] = streams
            state.attached.insert(id)
            state.pages[id] = Self.clamp(pages)
            return (streams, id, missed(since: lastEventID, state), state.sequence)
        }
        return (streams, id, [hello(forClient: id)] + missedEvents, after)
    }

    /// Forgets a stream `attach` registered (its loop has already let go of it).
    func detach(id: Int) {
        state.withLock { state in
            state.attached.remove(id)
            state.pages[id] = nil
        }
    }

    /// What a client that last saw `lastEventID` missed: the events themselves while they
    /// are still buffered, else one `reload`.
    private func missed(since lastEventID: String?, _ state: State) -> [LiveEvent] {
        guard let header = lastEventID, !header.isEmpty else { return [] }
        let latest = EventID(instance: instanceID, sequence: state.sequence)
        if let id = EventID(header), id.instance == instanceID, id.sequence <= state.sequence,
            let missed = state.replay.events(after: id.sequence, latest: state.sequence)
        {
            return missed
        }
        return [.catchUp(id: latest)]
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
            guard state.clients[id] != nil || state.attached.contains(id) else { return false }
            state.pages[id] = Self.clamp(pages)
            return true
        }
    }

    /// Connected streams (one per browser when its pages share one) and the pages they serve.
    var presence: Presence {
        state.withLock { state in
            Presence(streams: state.clients.count + state.attached.count, pages: state.pages.values.reduce(0, +), streamsOpened: state.nextClient - 1)
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
        let (clients, loops) = state.withLock { (Array($0.clients.values), Array($0.loops.values)) }
        for client in clients { client.ping() }
        for loop in loops { loop.ping() }
    }

    var clientCount: Int { state.withLock { $0.clients.count + $0.attached.count } }

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

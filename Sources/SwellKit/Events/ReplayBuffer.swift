/// The last `capacity` events, for clients that reconnect with `Last-Event-ID`.
struct ReplayBuffer: Sendable {
    let capacity: Int
    private var ring: [LiveEvent] = []
    private var start = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    mutating func append(_ event: LiveEvent) {
        if ring.count < capacity {
            ring.append(event)
        } else {
            ring[start] = event
            start = (start + 1) % capacity
        }
    }

    /// Events in order, oldest first.
    var events: [LiveEvent] {
        Array(ring[start...] + ring[..<start])
    }

    /// The events after sequence `n`, or nil when some of them already fell out of the buffer.
    func events(after sequence: Int, latest: Int) -> [LiveEvent]? {
        if sequence >= latest { return [] }
        let kept = events
        guard let oldest = kept.first?.id?.sequence, sequence >= oldest - 1 else { return nil }
        return kept.filter { ($0.id?.sequence ?? 0) > sequence }
    }
}

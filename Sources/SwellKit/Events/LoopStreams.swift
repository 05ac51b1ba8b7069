import NIOCore

/// The event streams one event loop writes. A publish costs one task per loop, not one per
/// stream, and each stream one write and one flush: with 10,000 pages open, the event goes
/// out as fast as the loops can write sockets.
final class LoopStreams: Sendable {
    let loop: any EventLoop
    /// A stream that cannot be written holds at most this many events, then one `reload`.
    let capacity: Int
    private let members: NIOLoopBoundBox<[Int: ChannelEventStream]>

    /// Made on `loop`, by the first stream it writes.
    init(loop: any EventLoop, capacity: Int) {
        self.loop = loop
        self.capacity = capacity
        members = NIOLoopBoundBox([:], eventLoop: loop)
    }

    /// On the loop.
    func add(_ stream: ChannelEventStream) {
        members.value[stream.id] = stream
    }

    /// On the loop.
    func remove(_ stream: ChannelEventStream) {
        members.value[stream.id] = nil
    }

    /// From anywhere: every stream of this loop gets `event`.
    func send(_ event: LiveEvent) {
        loop.execute { [members] in
            for stream in members.value.values { stream.send(event) }
        }
    }

    /// From anywhere: a keep-alive comment on every stream that is not behind.
    func ping() {
        loop.execute { [members] in
            for stream in members.value.values { stream.ping() }
        }
    }
}

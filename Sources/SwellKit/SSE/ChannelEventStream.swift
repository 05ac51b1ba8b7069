import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// One `/__swell/events` response written by its connection's `HotPathHandler` on the
/// connection's event loop: no task, no queue to wait on, just the channel.
///
/// Back-pressure is per stream, as a `ClientQueue`'s: while the socket does not take more
/// (NIO's writability), events wait here, and past `capacity` they collapse into one
/// `reload` carrying the newest id: the page reloads into the latest state anyway.
final class ChannelEventStream {
    let id: Int
    private let context: ChannelHandlerContext
    /// The HTTP/1 HTTP-types codec's context: events are written below it, as the codec
    /// would pass them on, without the hops through it and Hummingbird's connection state.
    private let below: ChannelHandlerContext
    private let capacity: Int
    /// The sequence number of the last event published before this stream was registered:
    /// a send already under way then must not reach it twice.
    private let after: Int
    private var waiting: [LiveEvent] = []
    private var ended = false

    init(id: Int, context: ChannelHandlerContext, below: ChannelHandlerContext, capacity: Int, after: Int) {
        self.id = id
        self.context = context
        self.below = below
        self.capacity = capacity
        self.after = after
    }

    /// Writes the head's first bytes: `retry`, the greeting and what the client missed.
    func open(with events: [LiveEvent]) {
        var opening = EventStreamResponse.retry
        for event in events { opening.writeImmutableBuffer(event.wire) }
        write(opening)
    }

    func send(_ event: LiveEvent) {
        guard !ended else { return }
        if let sequence = event.id?.sequence, sequence <= after { return }
        guard waiting.isEmpty, context.channel.isWritable else {
            if waiting.count >= capacity {
                waiting = [.catchUp(id: event.id ?? EventID(instance: "", sequence: 0))]
            } else {
                waiting.append(event)
            }
            return
        }
        write(event.wire)
    }

    func ping() {
        guard !ended, waiting.isEmpty, context.channel.isWritable else { return }
        write(EventStreamResponse.ping)
    }

    /// The socket takes bytes again: what waited goes out in one flush.
    func writabilityChanged() {
        guard !ended, !waiting.isEmpty, context.channel.isWritable else { return }
        var bytes = context.channel.allocator.buffer(capacity: waiting.reduce(0) { $0 + $1.wire.readableBytes })
        for event in waiting { bytes.writeImmutableBuffer(event.wire) }
        waiting.removeAll()
        write(bytes)
    }

    /// Ends the response (graceful shutdown, or the client closed its side).
    func end() {
        guard !ended else { return }
        ended = true
        waiting.removeAll()
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: nil)
    }

    private func write(_ bytes: ByteBuffer) {
        below.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(bytes))), promise: nil)
    }
}

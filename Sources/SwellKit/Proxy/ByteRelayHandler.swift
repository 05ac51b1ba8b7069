import NIOCore

/// One end of a byte tunnel: what its channel reads is written, unparsed, to the joined
/// relay's channel. Both ends run on one event loop (the backend connection is made on the
/// browser connection's), so they call each other directly.
///
/// Sits first in its pipeline, nearest the socket, so that once it is there nothing behind it
/// (the HTTP decoder, the request-head timeout) sees another byte. Backpressure is the peer's
/// writability: while the peer cannot take more, this side stops reading. Either side closing
/// closes the other once what it sent has been flushed.
package final class ByteRelayHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var peer: ByteRelayHandler?
    /// What arrived before the join (a backend's `101` may beat it), in order.
    private var early: [ByteBuffer] = []
    private var closedEarly = false

    package init() {}

    /// Joins two relays on the same event loop; what either held back goes across now.
    package static func join(_ one: ByteRelayHandler, _ other: ByteRelayHandler) {
        one.peer = other
        other.peer = one
        one.sendEarly()
        other.sendEarly()
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if let peer { peer.write(bytes) } else { early.append(bytes) }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        peer?.context?.flush()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        if let peer {
            self.peer = nil
            peer.peerClosed()
        } else {
            closedEarly = true
        }
        context.fireChannelInactive()
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        try? peer?.context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func write(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.write(wrapOutboundOut(bytes), promise: nil)
        if !context.channel.isWritable {
            try? peer?.context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
    }

    private func sendEarly() {
        guard let peer else { return }
        for bytes in early { peer.write(bytes) }
        early = []
        peer.context?.flush()
        if closedEarly {
            self.peer = nil
            peer.peerClosed()
        }
    }

    /// The other end went: send on what is queued, then close.
    private func peerClosed() {
        peer = nil
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

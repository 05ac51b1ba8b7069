import NIOCore

/// Tells TLS from plain HTTP by a connection's first byte (a TLS record starts with 0x16, the
/// handshake type; an HTTP request with a method's letter), has the pipeline set up for it,
/// then hands on what it read and leaves.
///
/// Hummingbird's TLS channel always installs the TLS handler, so a browser that types
/// `http://` for the HTTPS port would get a TLS alert it shows as garbage; this lets the plain
/// request through to be answered with the `307` to the https URL.
final class TransportSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Adds the handlers for TLS (`true`) or plain HTTP after this one; the future completes
    /// when they are in place.
    private let configure: (_ isTLS: Bool, _ channel: any Channel) -> EventLoopFuture<Void>
    private var held: [NIOAny] = []
    private var deciding = false

    init(configure: @escaping (_ isTLS: Bool, _ channel: any Channel) -> EventLoopFuture<Void>) {
        self.configure = configure
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(data)
        guard !deciding else { return }
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        deciding = true
        configure(first == 0x16, context.channel).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Held back with the bytes: the handlers after this one see them together when it leaves.
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        let bytes = held
        held = []
        for data in bytes { context.fireChannelRead(data) }
        if !bytes.isEmpty { context.fireChannelReadComplete() }
        context.leavePipeline(removalToken: removalToken)
    }
}

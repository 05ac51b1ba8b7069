import HTTPTypes

/// What `HotPathHandler` answers on the event loop, as `SwellResponder.hotAnswer` decided.
enum HotAnswer: Sendable {
    /// A cache hit, whole.
    case file(MemoryAnswer)
    /// A file too large for the cache, over plain HTTP/1.1: written with `sendfile`.
    case region(RegionAnswer)
    /// A GET of `/__swell/events` over HTTP/1.1.
    case events(EventStreamOpening)
    /// A GET or HEAD without a body for a backend (`--proxy`), over HTTP/1.1.
    case forward(ForwardOpening)
}

/// A request about to be forwarded from the event loop: every check the responder runs
/// before its forwarder has passed.
struct ForwardOpening: Sendable {
    let request: HTTPRequest
    let upstream: ProxyUpstream
    let forwarder: any BackendForwarder
    /// The request asked for `Connection: close`.
    let closes: Bool
}

/// The answer for a file sent as it lies on disk: its head, the descriptor it was opened by
/// (the one its headers were read from), and the bytes of it to send.
struct RegionAnswer: Sendable {
    var head: HTTPResponse
    let file: OpenFile
    let range: ClosedRange<Int>
}

/// An event stream about to start: its response head and where it resumes.
struct EventStreamOpening: Sendable {
    var head: HTTPResponse
    let hub: EventHub
    let lastEventID: String?
    let pages: Int
}

/// The user event that tells a connection's `HotPathHandler` to end its event stream:
/// `QuiesceNotifier` sends it ahead of the server's graceful-shutdown request, which
/// Hummingbird's connection state handler keeps to itself.
struct EventStreamsEnd: Sendable {}

import Synchronization

/// What Swell knows of each backend: requests passed, errors, whether it answered the last
/// one. A backend that failed is "down" until a probe or a request gets an answer from it;
/// `ProxyService` probes down backends and reloads the pages left on the 502.
package final class BackendHealth: Sendable {
    struct Record: Sendable, Equatable {
        var requests = 0
        var errors = 0
        /// nil before the first request.
        var answeredLast: Bool?
    }

    package let upstreams: [ProxyUpstream]
    private let records: Mutex<[Record]>
    private let wake: AsyncStream<Void>.Continuation
    /// Yields when a backend goes down (the probe loop waits on it).
    package let wakeups: AsyncStream<Void>

    package init(upstreams: [ProxyUpstream]) {
        self.upstreams = upstreams
        records = Mutex(Array(repeating: Record(), count: upstreams.count))
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    private func index(of upstream: ProxyUpstream) -> Int? {
        upstreams.firstIndex(of: upstream)
    }

    /// A request was sent on.
    package func forwarded(to upstream: ProxyUpstream) {
        guard let index = index(of: upstream) else { return }
        records.withLock { $0[index].requests += 1 }
    }

    /// The backend answered (a request or a probe).
    package func answered(by upstream: ProxyUpstream) {
        guard let index = index(of: upstream) else { return }
        records.withLock { $0[index].answeredLast = true }
    }

    /// A request got no answer: a 502 went out, so the backend is probed until it is back.
    package func failed(_ upstream: ProxyUpstream) {
        guard let index = index(of: upstream) else { return }
        records.withLock {
            $0[index].errors += 1
            $0[index].answeredLast = false
        }
        wake.yield()
    }

    /// The backends that did not answer their last request.
    package var down: [ProxyUpstream] {
        let snapshot = records.withLock { $0 }
        return zip(upstreams, snapshot).filter { $0.1.answeredLast == false }.map(\.0)
    }

    /// For `/__swell/status`.
    package var report: [ProxyReport] {
        let snapshot = records.withLock { $0 }
        return zip(upstreams, snapshot).map { upstream, record in
            ProxyReport(
                prefix: upstream.prefix,
                url: upstream.displayURL,
                requests: record.requests,
                errors: record.errors,
                answeredLast: record.answeredLast
            )
        }
    }

    package func finish() {
        wake.finish()
    }
}

/// One backend as `/__swell/status` shows it under `proxy`.
public struct ProxyReport: Sendable, Equatable {
    /// `/` for the whole site, else the prefix it answers.
    public var prefix: String
    /// The backend URL without user or password.
    public var url: String
    /// Requests passed to it.
    public var requests: Int
    /// Requests it gave no answer to (each a 502).
    public var errors: Int
    /// Whether it answered its last request; nil before the first.
    public var answeredLast: Bool?

    var json: String {
        "{\"prefix\":\(JSONText.string(prefix)),\"url\":\(JSONText.string(url)),\"requests\":\(requests),\"errors\":\(errors),\"answeredLast\":\(answeredLast.map(String.init) ?? "null")}"
    }
}

import AsyncAlgorithms
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watcher → batcher → hub, as a Service: runs until graceful shutdown.
///
/// Events arrive on one task and go into the batcher; another task sleeps until the open
/// batch's deadline (quiet period or ceiling) and publishes the reconciled change. When the
/// inotify watch limit is reached it says how to raise it, switches to polling, and serving
/// goes on.
public final class LiveReloadService: Service, Sendable {
    public struct WatcherStatus: Sendable {
        public var kind: String
        public var count: Int
        public var ready: Bool
    }

    private let configuration: SwellConfiguration
    private let hub: EventHub
    private let ignore: IgnoreRules
    private let probe: any ExistenceProbe
    private let logger: Logger
    private let current = Mutex<(any FileWatcher)?>(nil)
    private let ready = Atomic<Bool>(false)
    private let batcher: Mutex<ChangeBatcher<ContinuousClock>>
    /// The watcher to start with; nil picks inotify, or polling with `--poll`. Tests pass a fake.
    private let initialWatcher: (any FileWatcher)?
    /// Set by `rewatch()`: the current watcher stops and a fresh one of the same kind starts.
    private let restart = Atomic<Bool>(false)
    /// Emptied on every event, before the batch that will announce it.
    private let fileCache: FileCache?

    public init(
        configuration: SwellConfiguration,
        hub: EventHub,
        logger: Logger,
        probe: any ExistenceProbe = FileSystemProbe(),
        initialWatcher: (any FileWatcher)? = nil,
        fileCache: FileCache? = nil
    ) {
        self.initialWatcher = initialWatcher
        self.fileCache = fileCache
        self.configuration = configuration
        self.hub = hub
        self.logger = logger
        self.probe = probe
        ignore = IgnoreRules(root: configuration.root, extraPatterns: configuration.ignorePatterns)
        batcher = Mutex(ChangeBatcher(quiet: .milliseconds(configuration.waitMilliseconds)))
    }

    /// What `/__swell/status` reports about watching.
    public var watcherStatus: WatcherStatus {
        let watcher = current.withLock { $0 }
        return WatcherStatus(
            kind: watcher?.kind ?? (configuration.pollMilliseconds == nil ? "inotify" : "polling"),
            count: watcher?.watchCount ?? 0,
            ready: ready.load(ordering: .relaxed)
        )
    }

    private var pollInterval: Duration { .milliseconds(configuration.pollMilliseconds ?? 500) }
    private var settleTick: Duration { batcher.withLock { $0.settleQuiet } }

    /// Folders watched: ROOT and the `--watch` folders.
    var roots: [String] {
        [configuration.root] + configuration.extraWatchPaths
    }

    /// Starts watching again from scratch: ROOT came back after being deleted or renamed, so
    /// the old watches point at a folder that is gone or elsewhere.
    public func rewatch() {
        // Not ready until the new watch is complete: status must not promise what it cannot see yet.
        ready.store(false, ordering: .relaxed)
        restart.store(true, ordering: .relaxed)
        current.withLock { $0?.stop() }
    }

    public func run() async throws {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.flushBatches(wakeups: wakeups) }
                await self.consumeEvents(wake: wake)
                group.cancelAll()
            }
        }
        current.withLock { $0?.stop() }
    }

    private func consumeEvents(wake: AsyncStream<Void>.Continuation) async {
        var watcher: any FileWatcher =
            initialWatcher ?? configuration.pollMilliseconds.map {
                PollingWatcher(roots: roots, ignore: ignore, interval: .milliseconds($0))
            } ?? InotifyWatcher(roots: roots, ignore: ignore)
        while !Task.isCancelled {
            current.withLock { $0 = watcher }
            var fallBack = false
            for await event in watcher.start() {
                switch event.kind {
                case .ready:
                    ready.store(true, ordering: .relaxed)
                    logger.debug("watching \(watcher.watchCount) \(watcher.kind == "inotify" ? "folders" : "files") with \(watcher.kind)")
                case .watchLimitReached:
                    fallBack = true
                default:
                    // Before the event can reach a page: the reload it causes must read the new bytes.
                    fileCache?.invalidateAll()
                    if event.path.hasSuffix("/.gitignore") { ignore.gitignoreChanged() }
                    batcher.withLock { $0.record(event, now: ContinuousClock.now) }
                    wake.yield()
                }
                if fallBack { break }
            }
            watcher.stop()
            // Changes between this watcher and the next are seen by no one.
            fileCache?.invalidateAll()
            if restart.exchange(false, ordering: .relaxed) {
                ready.store(false, ordering: .relaxed)
                watcher =
                    watcher is PollingWatcher
                    ? PollingWatcher(roots: roots, ignore: ignore, interval: pollInterval) : InotifyWatcher(roots: roots, ignore: ignore)
                continue
            }
            guard fallBack, !(watcher is PollingWatcher) else { return }
            let limit = Self.maxUserWatches().map { " (fs.inotify.max_user_watches = \($0))" } ?? ""
            logger.error(
                """
                inotify cannot watch every folder\(limit): raise the limit with \
                `sudo sysctl fs.inotify.max_user_watches=524288` (add it to /etc/sysctl.conf to keep it), \
                or narrow the tree with --ignore. Swell switched to polling and keeps serving.
                """
            )
            ready.store(false, ordering: .relaxed)
            watcher = PollingWatcher(roots: roots, ignore: ignore, interval: pollInterval)
        }
    }

    private func flushBatches(wakeups: AsyncStream<Void>) async {
        var iterator = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            guard let deadline = batcher.withLock({ $0.deadline }) else {
                guard await iterator.next() != nil else { return }
                continue
            }
            // A later event can also bring the deadline closer (a save that just finished needs
            // less quiet), so look again at least every settle period while a batch is open.
            let tick = ContinuousClock.now.advanced(by: max(settleTick, .milliseconds(1)))
            try? await Task.sleep(until: min(deadline, tick), clock: .continuous)
            // A later event may have moved the quiet deadline: flush only when really due.
            guard let batch = batcher.withLock({ $0.isDue(now: ContinuousClock.now) ? $0.take() : nil }) else { continue }
            guard let change = ChangeSet.reconcile(batch, root: configuration.root, probe: probe) else { continue }
            let event = hub.publish(change)
            let changed = change.paths + change.files
            let more = changed.count > 5 ? " and \(changed.count - 5) more" : ""
            logger.info("\(event.name.rawValue) \(changed.prefix(5).joined(separator: ", "))\(more)")
        }
    }

    static func maxUserWatches() -> Int? {
        let fd = open("/proc/sys/fs/inotify/max_user_watches", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace())
    }
}

/// Sends `: ping` on every live-reload stream every 15 s, so proxies keep them open and
/// dead peers are found. One timer for all clients.
public struct PingService: Service {
    let hub: EventHub
    let interval: Duration

    public init(hub: EventHub, interval: Duration = .seconds(15)) {
        self.hub = hub
        self.interval = interval
    }

    public func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            hub.ping()
        }
    }
}

import Synchronization

/// Stat-scans the roots every interval and reports what differs: for network file systems
/// and containers where inotify sees nothing, and as the fallback when the inotify watch
/// limit is reached. Its cost grows with the tree: one `fstatat` per file per interval.
/// The scans run on a thread of their own, never on the concurrency or NIO pools.
final class PollingWatcher: FileWatcher {
    let kind = WatcherKind.polling
    private let roots: [String]
    private let ignore: IgnoreRules
    private let interval: Duration
    private let stopped = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)
    /// Syncs asked for; each is answered after the next scan that starts once it was asked.
    private let syncs = Mutex<[Int]>([])

    init(roots: [String], ignore: IgnoreRules, interval: Duration) {
        self.roots = roots
        self.ignore = ignore
        self.interval = interval
    }

    var watchCount: Int { count.load(ordering: .relaxed) }

    func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void) {
        DedicatedThread.start(name: "swell.poll") { [self] in
            // The snapshot only descends into folders that are not ignored, so one level is checked per entry.
            let isIgnored: (String, Bool) -> Bool = { self.ignore.isIgnoredEntry(absolutePath: $0, isDirectory: $1) }
            var previous = DirectorySnapshot(roots: roots, isIgnored: isIgnored)
            count.store(previous.entries.count, ordering: .relaxed)
            sink(.ready)
            while !stopped.load(ordering: .relaxed) {
                DedicatedThread.sleep(interval)
                if stopped.load(ordering: .relaxed) { break }
                let asked = syncs.withLock { tokens in
                    defer { tokens.removeAll() }
                    return tokens
                }
                let current = DirectorySnapshot(roots: roots, isIgnored: isIgnored)
                for event in current.changes(since: previous) { sink(.change(event)) }
                count.store(current.entries.count, ordering: .relaxed)
                previous = current
                for token in asked { sink(.synced(token)) }
            }
        }
    }

    func sync(_ token: Int) {
        syncs.withLock { $0.append(token) }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}

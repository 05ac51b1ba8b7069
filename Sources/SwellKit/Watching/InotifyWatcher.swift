import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Recursive inotify watching of one or more roots through the shared `InotifyTools` thread.
/// New and moved-in folders are watched at once, removed and moved-out ones dropped;
/// ignored folders are never watched.
public final class InotifyWatcher: FileWatcher {
    public let kind = "inotify"
    private let roots: [String]
    private let ignore: IgnoreRules
    private let id: Int
    private let count = Atomic<Int>.Box()

    public init(roots: [String], ignore: IgnoreRules) {
        self.roots = roots
        self.ignore = ignore
        self.id = InotifyTools.shared.makeID()
    }

    public var watchCount: Int { count.value.load(ordering: .relaxed) }

    public func start() -> AsyncStream<WatchEvent> {
        let (stream, continuation) = AsyncStream<WatchEvent>.makeStream()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let ignore = self.ignore
        InotifyTools.shared.submit(
            .watch(
                .init(
                    id: id,
                    roots: roots,
                    isIgnored: { path, isDirectory in ignore.isIgnored(absolutePath: path, isDirectory: isDirectory) },
                    isIgnoredEntry: { path, isDirectory in ignore.isIgnoredEntry(absolutePath: path, isDirectory: isDirectory) },
                    continuation: continuation,
                    watchCount: count,
                    since: now
                )
            )
        )
        return stream
    }

    public func stop() {
        InotifyTools.shared.submit(.unwatch(id))
    }
}

import Synchronization

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Recursive inotify watching of one or more roots through the shared `InotifyTools` thread.
/// New and moved-in folders are watched at once, removed and moved-out ones dropped;
/// ignored folders are never watched.
final class InotifyWatcher: FileWatcher {
    let kind = WatcherKind.inotify
    private let roots: [String]
    private let ignore: IgnoreRules
    private let id: Int
    private let count = Atomic<Int>.Box()

    init(roots: [String], ignore: IgnoreRules) {
        self.roots = roots
        self.ignore = ignore
        self.id = InotifyTools.shared.makeID()
    }

    var watchCount: Int { count.value.load(ordering: .relaxed) }

    func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void) {
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
                    sink: sink,
                    watchCount: count,
                    since: now
                )
            )
        )
    }

    func sync(_ token: Int) {
        InotifyTools.shared.submit(.sync(id, token: token))
    }

    func stop() {
        InotifyTools.shared.submit(.unwatch(id))
    }
}

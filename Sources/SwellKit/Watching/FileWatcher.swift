/// How a watcher learns of changes, as `/__swell/status` reports it.
public enum WatcherKind: String, Sendable {
    /// The kernel tells (inotify, through libinotifytools).
    case inotify
    /// Stat scans at an interval (`--poll`, network file systems, the fallback at the watch limit).
    case polling
}

/// The watcher seam: inotify normally, polling for network file systems and containers.
public protocol FileWatcher: Sendable {
    /// How this watcher learns of changes.
    var kind: WatcherKind { get }
    /// How many folders (inotify) or files (polling) are watched now.
    var watchCount: Int { get }
    /// Starts watching; every output goes to `sink`, from the watcher's own thread, until `stop()`.
    func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void)
    /// Reports `.synced(token)` once every change made before this call has been reported:
    /// a build's output is taken only when the watcher has seen all of it.
    func sync(_ token: Int)
    func stop()
}

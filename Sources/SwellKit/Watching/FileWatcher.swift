/// The watcher seam: inotify normally, polling for network file systems and containers.
public protocol FileWatcher: Sendable {
    /// `inotify` or `polling`, as `/__swell/status` reports it.
    var kind: String { get }
    /// How many folders (inotify) or files (polling) are watched now.
    var watchCount: Int { get }
    /// Starts watching and returns the events; the stream finishes after `stop()`.
    func start() -> AsyncStream<WatchEvent>
    func stop()
}

import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Makes a watcher of a kind for the folders to watch. Tests inject their own.
struct WatcherFactory: Sendable {
    let make: @Sendable (WatcherKind, _ roots: [String], _ ignore: IgnoreRules) -> any FileWatcher

    /// inotify, or stat scans every `pollInterval`.
    static func standard(pollInterval: Duration) -> WatcherFactory {
        WatcherFactory { kind, roots, ignore in
            switch kind {
            case .inotify: InotifyWatcher(roots: roots, ignore: ignore)
            case .polling: PollingWatcher(roots: roots, ignore: ignore, interval: pollInterval)
            }
        }
    }
}

/// Which watcher runs now, and what replaces it: a fresh one of the same kind when ROOT came
/// back (`restart`), polling when inotify cannot cover the tree (the watch limit, or no
/// inotify instance left). Each watcher's outputs carry its generation, so whatever a
/// stopped watcher still reports is dropped instead of mixing with its successor's.
final class WatcherSupervisor: Sendable {
    /// What `/__swell/status` reports about watching.
    struct Status: Sendable, Equatable {
        var kind: WatcherKind
        var count: Int
        var ready: Bool
    }

    private struct State {
        var kind: WatcherKind
        var current: (any FileWatcher)?
        var generation = 0
        var ready = false
    }

    private let roots: [String]
    private let ignore: IgnoreRules
    private let factory: WatcherFactory
    private let state: Mutex<State>

    init(kind: WatcherKind, roots: [String], ignore: IgnoreRules, factory: WatcherFactory) {
        self.roots = roots
        self.ignore = ignore
        self.factory = factory
        state = Mutex(State(kind: kind))
    }

    var status: Status {
        state.withLock { Status(kind: $0.current?.kind ?? $0.kind, count: $0.current?.watchCount ?? 0, ready: $0.ready) }
    }

    /// Stops the running watcher, if any, and starts a new one of the current kind whose
    /// outputs reach `sink` with its generation.
    func start(_ sink: @escaping @Sendable (_ generation: Int, WatcherOutput) -> Void) {
        let (watcher, generation) = state.withLock { state in
            state.current?.stop()
            state.generation += 1
            state.ready = false
            let watcher = factory.make(state.kind, roots, ignore)
            state.current = watcher
            return (watcher, state.generation)
        }
        watcher.start { output in sink(generation, output) }
    }

    /// Marks the watch as not ready at once: until the next watcher is complete, status must
    /// not promise what nothing sees yet.
    func markRestarting() {
        state.withLock { $0.ready = false }
    }

    /// What of `output` the service acts on: nil for a stopped watcher's leftovers and for the
    /// outputs handled here. Returns `.watchLimitReached` when the caller must `start` again
    /// (the kind is now polling).
    func accept(_ generation: Int, _ output: WatcherOutput) -> WatcherOutput? {
        state.withLock { state -> WatcherOutput? in
            guard generation == state.generation else { return nil }
            switch output {
            case .ready:
                state.ready = true
                return .ready
            case .watchLimitReached:
                guard state.kind == .inotify else { return nil }
                state.kind = .polling
                return .watchLimitReached
            case .change, .overflow, .synced:
                return output
            }
        }
    }

    /// Asks the running watcher for `.synced(token)`; a watcher replaced meanwhile never
    /// answers, so the caller also sets itself a deadline.
    func sync(_ token: Int) {
        state.withLock { $0.current }?.sync(token)
    }

    func stop() {
        state.withLock { state in
            state.current?.stop()
            state.current = nil
            state.generation += 1
        }
    }

    /// The advice for a full inotify table, naming the sysctl that raises it.
    static func watchLimitAdvice() -> String {
        let limit = maxUserWatches().map { " (fs.inotify.max_user_watches = \($0))" } ?? ""
        return """
            inotify cannot watch every folder\(limit): raise the limit with \
            `sudo sysctl fs.inotify.max_user_watches=524288` (add it to /etc/sysctl.conf to keep it), \
            or narrow the tree with --ignore. Swell switched to polling and keeps serving.
            """
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

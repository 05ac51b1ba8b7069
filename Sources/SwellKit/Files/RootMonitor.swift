import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Notices ROOT being deleted, renamed or replaced while Swell runs, says so on the
/// console, and serves it again once a folder is back at its path.
///
/// It polls: a `stat` every quarter second costs nothing, works with `--no-reload` and with
/// the polling watcher, and sees a folder re-created by any means. While ROOT is missing,
/// file requests get `503` (see `StaticFileResponder.rootMissing`) and the server keeps running.
struct RootMonitor: Service {
    let root: RootDirectory
    let logger: Logger
    let interval: Duration
    /// True while ROOT going and coming back is expected (a build re-creating it): no console line then.
    let isQuiet: @Sendable () -> Bool
    /// Called on each change, after the new state is served: live reload re-watches and reloads pages.
    let onChange: @Sendable (RootDirectory.Change) -> Void

    init(
        root: RootDirectory,
        logger: Logger,
        interval: Duration = .milliseconds(250),
        isQuiet: @escaping @Sendable () -> Bool = { false },
        onChange: @escaping @Sendable (RootDirectory.Change) -> Void
    ) {
        self.root = root
        self.logger = logger
        self.interval = interval
        self.isQuiet = isQuiet
        self.onChange = onChange
    }

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            guard let change = root.refresh() else { continue }
            switch isQuiet() ? nil : change {
            case .vanished:
                logger.error("the served folder \(root.path) is gone (deleted or renamed); answering 503 until it is back")
            case .returned:
                logger.notice("the served folder \(root.path) is back; serving it again")
            case nil:
                break
            }
            onChange(change)
        }
    }
}

import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Watcher → batcher → hub, as a Service: one task, from start until graceful shutdown.
///
/// The task waits for whichever comes first, the next watcher output or the open batch's
/// deadline (quiet period or ceiling, `ChangeBatcher`), on the `Clock` it was given: a
/// test clock drives it with no real time passing, and nothing wakes while no batch is
/// open. The batch lives in that task alone, so it needs no lock. At the watch limit it says
/// how to raise it, switches to polling (`WatcherSupervisor`), and serving goes on.
final class LiveReloadService<C: Clock>: Service, Sendable where C.Duration == Duration, C.Instant: Sendable {
    private enum Input: Sendable {
        case watcher(generation: Int, WatcherOutput)
        /// ROOT came back: watch it again from scratch.
        case rewatch
    }

    private let configuration: SwellConfiguration
    private let hub: EventHub
    private let ignore: IgnoreRules
    private let probe: any ExistenceProbe
    private let logger: Logger
    private let clock: C
    private let supervisor: WatcherSupervisor
    private let inbox = Inbox<Input>()
    /// Emptied on every change, before the batch that will announce it.
    private let fileCache: FileCache?

    init(
        configuration: SwellConfiguration,
        hub: EventHub,
        logger: Logger,
        clock: C,
        probe: any ExistenceProbe = FileSystemProbe(),
        watchers: WatcherFactory? = nil,
        fileCache: FileCache? = nil
    ) {
        self.configuration = configuration
        self.hub = hub
        self.logger = logger
        self.clock = clock
        self.probe = probe
        self.fileCache = fileCache
        let ignore = IgnoreRules(root: configuration.root, extraPatterns: configuration.ignorePatterns)
        self.ignore = ignore
        supervisor = WatcherSupervisor(
            kind: configuration.pollMilliseconds == nil ? .inotify : .polling,
            roots: [configuration.root] + configuration.extraWatchPaths,
            ignore: ignore,
            factory: watchers ?? .standard(pollInterval: .milliseconds(configuration.pollMilliseconds ?? 500))
        )
    }

    /// What `/__swell/status` reports about watching.
    var watcherStatus: WatcherSupervisor.Status { supervisor.status }

    /// Starts watching again from scratch: ROOT came back after being deleted or renamed, so
    /// the old watches point at a folder that is gone or elsewhere.
    func rewatch() {
        supervisor.markRestarting()
        inbox.send(.rewatch)
    }

    func run() async throws {
        let inbox = self.inbox
        let sink: @Sendable (Int, WatcherOutput) -> Void = { inbox.send(.watcher(generation: $0, $1)) }
        supervisor.start(sink)
        defer { supervisor.stop() }
        await cancelWhenGracefulShutdown { await self.loop(sink) }
    }

    private func loop(_ sink: @escaping @Sendable (Int, WatcherOutput) -> Void) async {
        let quiet = Duration.milliseconds(configuration.waitMilliseconds)
        var batcher = ChangeBatcher<C>(quiet: quiet, settleQuiet: configuration.adaptiveQuiet ? nil : quiet)
        while true {
            switch await inbox.next(until: batcher.deadline, clock: clock) {
            case .cancelled:
                return
            case .deadline:
                publish(batcher.take())
            case .element(.rewatch):
                // Changes between this watcher and the next are seen by no one.
                fileCache?.invalidateAll()
                supervisor.start(sink)
            case .element(.watcher(let generation, let output)):
                guard let output = supervisor.accept(generation, output) else { continue }
                switch output {
                case .ready:
                    let status = supervisor.status
                    logger.debug("watching \(status.count) \(status.kind == .inotify ? "folders" : "files") with \(status.kind)")
                case .watchLimitReached:
                    logger.error("\(WatcherSupervisor.watchLimitAdvice())")
                    fileCache?.invalidateAll()
                    supervisor.start(sink)
                case .overflow:
                    fileCache?.invalidateAll()
                    batcher.recordOverflow(now: clock.now)
                case .change(let event):
                    // Before the event can reach a page: the reload it causes must read the new bytes.
                    fileCache?.invalidateAll()
                    if event.path.hasSuffix("/.gitignore") { ignore.gitignoreChanged() }
                    batcher.record(event, now: clock.now)
                }
            }
        }
    }

    private func publish(_ batch: RawBatch) {
        guard let change = ChangeSet.reconcile(batch, root: configuration.root, probe: probe) else { return }
        let event = hub.publish(change)
        let changed = change.paths + change.files
        let more = changed.count > 5 ? " and \(changed.count - 5) more" : ""
        logger.info("\(event.name.rawValue) \(changed.prefix(5).joined(separator: ", "))\(more)")
    }
}

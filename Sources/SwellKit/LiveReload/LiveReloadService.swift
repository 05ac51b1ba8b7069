import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Watcher → batcher → hub, as a Service: one task, from start until graceful shutdown.
///
/// The task waits for whichever comes first, the next input or the earliest deadline (the
/// open batch's quiet period or ceiling, `ChangeBatcher`; with `--exec` also the source
/// batch's and a finished build's barrier), on the `Clock` it was given: a test clock drives
/// it with no real time passing, and nothing wakes while nothing is pending. All state lives
/// in that task, so it needs no lock. At the watch limit it says how to raise it, switches
/// to polling (`WatcherSupervisor`), and serving goes on.
///
/// With `--exec` (`BuildSettings`) the same task runs the site's build: source changes start
/// builds (`BuildSchedule`), nothing is published while one runs, and once it has exited and
/// the watcher has reported everything up to that moment (`FileWatcher.sync`), what it
/// changed under ROOT — by bytes (`OutputDigests`) — goes out as one batch.
final class LiveReloadService<C: Clock>: Service, Sendable where C.Duration == Duration, C.Instant: Sendable {
    private enum Input: Sendable {
        case watcher(generation: Int, WatcherOutput)
        /// ROOT went away or came back (`RootMonitor`).
        case root(RootDirectory.Change)
        case buildEnded(BuildOutcome)
        /// The first build is still running after `longRunNotice`.
        case buildRunsLong(run: Int)
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
    /// Held closed while a build runs (`--exec`); the responder makes navigations wait on it.
    let gate = NavigationGate()
    /// Where a build's output goes as it comes: Swell's stderr.
    private let buildTerminal: @Sendable ([UInt8]) -> Void
    /// Called after a build, before its batch: ROOT may have been replaced.
    private let refreshRoot: @Sendable () -> RootDirectory.Change?
    /// ROOT is a watch root of its own, not watched through the project folder that holds it:
    /// when it is replaced, the watcher must start again.
    private let rootWatchedOnItsOwn: Bool
    /// Where `--exec`'s builds are announced; nil without `--exec`.
    private let board: BuildBoard?
    /// The running build's task, cancelled (its process group ended) when the service stops.
    private let buildTask = Mutex<Task<Void, Never>?>(nil)

    init(
        configuration: SwellConfiguration,
        hub: EventHub,
        logger: Logger,
        clock: C,
        probe: any ExistenceProbe = FileSystemProbe(),
        watchers: WatcherFactory? = nil,
        fileCache: FileCache? = nil,
        refreshRoot: @escaping @Sendable () -> RootDirectory.Change? = { nil },
        buildTerminal: @escaping @Sendable ([UInt8]) -> Void = LiveReloadService.writeToStandardError
    ) {
        self.configuration = configuration
        self.hub = hub
        self.logger = logger
        self.clock = clock
        self.probe = probe
        self.fileCache = fileCache
        self.refreshRoot = refreshRoot
        self.buildTerminal = buildTerminal
        var roots = configuration.watchesRoot ? [configuration.root] : []
        if let build = configuration.build {
            roots = (build.sources.isEmpty ? [build.projectFolder] : build.sources) + roots
        }
        roots += configuration.extraWatchPaths
        // A folder inside another watched one is watched through it.
        roots = roots.enumerated().filter { index, root in
            !roots.enumerated().contains { other, folder in
                other != index && (root.hasPrefix(folder + "/") || (root == folder && other < index))
            }
        }.map(\.element)
        let ownFiles = IgnoreRules.ownFiles(configuration.ownOutputFiles, asSeenFrom: roots)
        let ignore: IgnoreRules
        if let build = configuration.build {
            ignore = IgnoreRules(
                root: configuration.root,
                project: build.projectFolder,
                sources: build.sources,
                extraPatterns: configuration.ignorePatterns,
                ownFiles: ownFiles
            )
        } else {
            ignore = IgnoreRules(root: configuration.root, extraPatterns: configuration.ignorePatterns, ownFiles: ownFiles)
        }
        self.ignore = ignore
        board = configuration.build.map { BuildBoard(hub: hub, command: $0.command) }
        rootWatchedOnItsOwn = roots.contains(configuration.root)
        supervisor = WatcherSupervisor(
            kind: configuration.pollMilliseconds == nil ? .inotify : .polling,
            roots: roots,
            ignore: ignore,
            factory: watchers ?? .standard(pollInterval: .milliseconds(configuration.pollMilliseconds ?? 500))
        )
    }

    /// What `/__swell/status` reports about watching.
    var watcherStatus: WatcherSupervisor.Status { supervisor.status }

    /// What `/__swell/status` reports about the build; nil without `--exec`.
    var buildReport: BuildReport? { board?.report }

    /// ROOT went away or came back: the loop decides what pages see.
    func rootChanged(_ change: RootDirectory.Change) {
        if change == .returned { supervisor.markRestarting() }
        inbox.send(.root(change))
    }

    func run() async throws {
        let inbox = self.inbox
        let sink: @Sendable (Int, WatcherOutput) -> Void = { inbox.send(.watcher(generation: $0, $1)) }
        supervisor.start(sink)
        defer { supervisor.stop() }
        await cancelWhenGracefulShutdown { await self.loop(sink) }
        // Ctrl-C during a build ends its process group before Swell exits.
        if let task = buildTask.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        gate.open()
    }

    private func loop(_ sink: @escaping @Sendable (Int, WatcherOutput) -> Void) async {
        let quiet = Duration.milliseconds(configuration.waitMilliseconds)
        let settle = configuration.adaptiveQuiet ? nil : quiet
        var batcher = ChangeBatcher<C>(quiet: quiet, settleQuiet: settle)
        let ignore = self.ignore
        var build = configuration.build.map {
            BuildCoordinator<C>(settings: $0, root: configuration.root, quiet: quiet, settleQuiet: settle) { path, isDirectory in
                ignore.isIgnored(absolutePath: path, isDirectory: isDirectory)
            }
        }
        if build != nil { startNextBuild(&build!) }
        while true {
            var deadline = build?.isBuilding == true ? nil : batcher.deadline
            for other in [build?.sources.deadline, build?.finishing?.deadline] where build != nil {
                if let other, deadline.map({ other < $0 }) ?? true { deadline = other }
            }
            switch await inbox.next(until: deadline, clock: clock) {
            case .cancelled:
                return
            case .deadline:
                let now = clock.now
                if build != nil {
                    if build!.sources.isDue(now: now) {
                        let raw = build!.sources.take()
                        build!.schedule.sourcesChanged(raw.paths.keys.map { build!.relative($0) })
                        startNextBuild(&build!)
                    }
                    if let finishing = build!.finishing, now >= finishing.deadline,
                        finishBuild(&build!, &batcher) == .returned, rootWatchedOnItsOwn
                    {
                        supervisor.start(sink)
                    }
                }
                if build?.isBuilding != true, batcher.isDue(now: now) {
                    let raw = batcher.take()
                    // ROOT edited by hand (or by a watch-mode tool): the digests follow, so the next build compares with what pages have.
                    _ = build?.digests.update(touched: raw.paths.keys)
                    publish(raw)
                }
            case .element(.root(let change)):
                fileCache?.invalidateAll()
                if change == .returned && rootWatchedOnItsOwn { supervisor.start(sink) }
                if build?.isBuilding == true {
                    // Re-created by the build (mkdocs, hugo --cleanDestinationDir): its batch says what changed.
                    build!.rootReplaced = true
                } else {
                    // Pages reload into the 503 page, and out of it once ROOT is back (it carries the client too).
                    hub.publish(ChangeSet(paths: []))
                    if build != nil { build!.digests = OutputDigests(root: configuration.root, isIgnored: build!.digests.isIgnored) }
                }
            case .element(.buildEnded(let outcome)):
                guard build != nil else { continue }
                buildTask.withLock { $0 = nil }
                let token = build!.makeToken()
                build!.finishing = .init(token: token, outcome: outcome, deadline: clock.now.advanced(by: .seconds(1)))
                supervisor.sync(token)
            case .element(.buildRunsLong(let run)):
                guard build?.schedule.run == run, build?.isBuilding == true else { continue }
                logger.warning(
                    "the build has been running for \(Int(configuration.build?.longRunNotice.components.seconds ?? 60)) s: --exec wants a command that exits (hugo, not hugo server; no --watch mode). Swell still waits for it."
                )
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
                    if build != nil { build!.rootReplaced = true }
                case .synced(let token):
                    if build?.finishing?.token == token, finishBuild(&build!, &batcher) == .returned, rootWatchedOnItsOwn {
                        supervisor.start(sink)
                    }
                case .change(let event):
                    // Before the event can reach a page: the reload it causes must read the new bytes.
                    fileCache?.invalidateAll()
                    if event.path.hasSuffix("/.gitignore") { ignore.gitignoreChanged() }
                    if let coordinator = build, coordinator.isSource(event.path) {
                        // A folder made among the sources changes nothing until files land in it
                        // (reported on their own): hugo makes resources/ on its first build.
                        guard !(event.isDirectory && event.kind == .created) else { continue }
                        build!.schedule.sourceTouched()
                        build!.sources.record(event, now: clock.now)
                    } else {
                        batcher.record(event, now: clock.now)
                    }
                }
            }
        }
    }

    // MARK: Builds

    /// Starts the next build if one is due and none runs.
    private func startNextBuild(_ build: inout BuildCoordinator<C>) {
        switch build.schedule.next() {
        case .idle:
            return
        case .stoppedSelfTriggering(let paths):
            let shown = paths.prefix(5).joined(separator: ", ")
            logger.error(
                "three builds in a row were started only by files the build itself wrote (\(shown)): from now on a change to those alone starts no build. Ignore them for good with --ignore, or narrow the sources with --source."
            )
            gate.open()
        case .start(let run, let changes):
            gate.close()
            build.rootReplaced = false
            board?.started(run: run, changes: changes)
            let count = changes.count
            logger.info("building: \(run == 1 && count == 0 ? "first build" : "\(count) change\(count == 1 ? "" : "s")")")
            let settings = build.settings
            let inbox = self.inbox
            let terminal = buildTerminal
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    if run == 1 {
                        group.addTask {
                            try? await Task.sleep(for: settings.longRunNotice)
                            if !Task.isCancelled { inbox.send(.buildRunsLong(run: run)) }
                        }
                    }
                    let outcome = await BuildProcess.run(settings, changed: changes, terminal: terminal)
                    group.cancelAll()
                    inbox.send(.buildEnded(outcome))
                }
            }
            buildTask.withLock { $0 = task }
        }
    }

    /// The build has exited and the watcher has reported everything up to then: say how it
    /// went, publish what it changed as one batch, then start the follow-up or open the gate.
    /// Returns what re-opening ROOT found.
    @discardableResult
    private func finishBuild(_ build: inout BuildCoordinator<C>, _ batcher: inout ChangeBatcher<C>) -> RootDirectory.Change? {
        guard let finishing = build.finishing else { return nil }
        build.finishing = nil
        let rootChange = refreshRoot()
        if rootChange != nil { build.rootReplaced = true }
        fileCache?.invalidateAll()
        let raw = batcher.take()
        let underRoot = raw.paths.keys.filter { BuildCoordinator<C>.covers(configuration.root, $0) }
        let difference = build.rootReplaced || raw.overflowed ? build.digests.rescan() : build.digests.update(touched: underRoot)
        // `--watch` changes as the watcher saw them; under ROOT only what the bytes say.
        var batch = RawBatch(paths: raw.paths.filter { !BuildCoordinator<C>.covers(configuration.root, $0.key) })
        for path in difference.changed + difference.deleted { batch.paths[path] = PathHistory(appearedDuringBatch: false) }
        let outcome = finishing.outcome
        let milliseconds = Self.milliseconds(outcome.duration)
        if outcome.succeeded {
            logger.info("built in \(milliseconds) ms")
            // The batch is made before the board says ok, so that status does not say ok for
            // longer than it takes to publish the two events.
            let change = ChangeSet.reconcile(batch, root: configuration.root, probe: probe)
            let afterFailure = board?.succeeded(milliseconds: milliseconds) ?? false
            if let change {
                publish(change)
            } else if afterFailure {
                publish(ChangeSet(paths: []))
            }
        } else {
            let text = outcome.output.text
            let project = build.settings.projectFolder
            let found = BuildDiagnostic.parse(text, projectFolder: project) { path in
                var info = stat()
                return stat(path, &info) == 0
            }
            let diagnostics = BuildDiagnostic.withExcerpts(found) { SourceExcerpt.readText($0, in: project) }
            let how: String
            switch outcome.ending {
            case .timedOut:
                let limit = build.settings.timeout ?? .zero
                let shown = limit.components.attoseconds == 0 ? "\(limit.components.seconds) s" : "\(Self.milliseconds(limit)) ms"
                how = "build timed out after \(shown) (--exec-timeout) and was killed"
            case .couldNotStart(let reason):
                how = "build could not start (\(reason))"
            default:
                how = "build failed (exit \(outcome.exitStatus)) in \(milliseconds) ms"
            }
            logger.error("\(how); the error is shown in the page")
            var output = text
            if case .couldNotStart(let reason) = outcome.ending { output = "/bin/sh could not start: \(reason)" }
            board?.failed(exit: outcome.exitStatus, milliseconds: milliseconds, output: output, diagnostics: diagnostics)
        }
        build.schedule.finished()
        startNextBuild(&build)
        if !build.isBuilding { gate.open() }
        return rootChange
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    private func publish(_ batch: RawBatch) {
        guard let change = ChangeSet.reconcile(batch, root: configuration.root, probe: probe) else { return }
        publish(change)
    }

    private func publish(_ change: ChangeSet) {
        if let delay = configuration.proxy?.publishDelay, delay > .zero {
            // --proxy-delay: the backend restarts on the same edit; the pages wait until it is up.
            let hub = self.hub
            let clock = self.clock
            Task {
                try? await clock.sleep(for: delay)
                hub.publish(change)
            }
            logger.info(
                "\(change.isUpdate ? "update" : "reload") in \(Self.milliseconds(delay)) ms (--proxy-delay) \((change.paths + change.files).prefix(5).joined(separator: ", "))"
            )
            return
        }
        let event = hub.publish(change)
        let changed = change.paths + change.files
        let more = changed.count > 5 ? " and \(changed.count - 5) more" : ""
        logger.info("\(event.name.rawValue) \(changed.prefix(5).joined(separator: ", "))\(more)")
    }

    /// The default build terminal: the bytes as they came, to fd 2.
    static func writeToStandardError(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}

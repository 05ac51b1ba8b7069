import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Swell as one runnable unit: opens ROOT, chooses the port, assembles the server and runs it
/// until SIGINT, SIGTERM or `stop()`.
///
/// This is also the API for embedding Swell in a site generator: start it on the output
/// folder, learn its URL from `run`'s `onListening`, report builds (`buildStarted`,
/// `buildFailed`, `buildSucceeded`) or plain changes (`outputChanged`), and `stop()` it. See
/// the article "Adding live reload to a site generator". libinotifytools is process-wide:
/// run one server per process.
public struct SwellServer: Sendable {
    /// What the server was started with.
    public let configuration: SwellConfiguration
    let root: RootDirectory
    /// The live-reload channel; nil with `--no-reload`.
    let hub: EventHub?

    /// Where the server listens once the socket accepts connections.
    public struct Listening: Sendable, Equatable {
        /// The bind address, as given.
        public let host: String
        /// The bound port (the kernel's choice for port 0).
        public let port: Int
        /// The busy default port that made Swell move to `port`.
        public let movedFrom: Int?
        /// `http`, or `https` with `--https` or `--cert`.
        public var scheme: String = "http"

        /// Where the server listens, reached over `scheme`.
        public init(host: String, port: Int, movedFrom: Int?, scheme: String = "http") {
            self.host = host
            self.port = port
            self.movedFrom = movedFrom
            self.scheme = scheme
        }

        /// Bound to every interface (`0.0.0.0`, `::`): the site is shared on the LAN.
        public var isWildcard: Bool { HostAddress.isWildcard(host) }

        /// `http://127.0.0.1:5000/`; a wildcard bind is reached through loopback.
        public var baseURL: String {
            Self.url(host: HostAddress.isWildcard(host) ? "127.0.0.1" : host, port: port, scheme: scheme)
        }

        /// `http://HOST:PORT/` (or `https://`), with an IPv6 host in brackets.
        public static func url(host: String, port: Int, scheme: String = "http") -> String {
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            return "\(scheme)://\(bracketed):\(port)/"
        }
    }

    /// Graceful shutdown may take this long before open responses are cancelled (the SPEC allows 2 s in all).
    static let shutdownGrace: Duration = .milliseconds(1500)

    /// Opens ROOT and checks the `--watch` folders; nothing listens until `run`. `logger`
    /// reports each reload and update, ROOT going and coming back, and the watch-limit advice.
    public init(configuration: SwellConfiguration, logger: Logger = Logger(label: "swell")) throws(SwellError) {
        try self.init(configuration: configuration, logger: logger, proxyEngine: nil)
    }

    /// As the public initializer, with the proxy's client and the HTTPS transport (`swell`
    /// passes `SwellProxy`'s and `SwellHTTPS`'s).
    package init(
        configuration: SwellConfiguration,
        logger: Logger = Logger(label: "swell"),
        proxyEngine: (any ProxyEngine)?,
        secureTransport: (any SecureTransport)? = nil
    ) throws(SwellError) {
        self.configuration = configuration
        self.proxyEngine = proxyEngine
        self.secureTransport = secureTransport
        let root = try RootDirectory(path: configuration.root, mayBeMissing: configuration.build != nil && configuration.liveReload)
        self.root = root
        self.logger = logger
        for folder in configuration.extraWatchPaths where configuration.liveReload {
            var info = stat()
            guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .watchFolderMissing(folder) }
        }
        let hub = configuration.liveReload ? EventHub(version: configuration.version) : nil
        self.hub = hub
        let fileCache = FileCache()
        self.fileCache = fileCache
        health = configuration.proxy.map { BackendHealth(upstreams: $0.upstreams) }
        liveReload = hub.map {
            LiveReloadService(
                configuration: configuration,
                hub: $0,
                logger: logger,
                clock: .continuous,
                fileCache: fileCache,
                refreshRoot: { root.refresh() }
            )
        }
    }

    /// The builds an embedder reports (none with `--exec`, which reports its own).
    private let reportedBuilds = ReportedBuilds()
    private let lifecycle = Lifecycle()
    /// The backends' record (`--proxy`); nil without.
    private let health: BackendHealth?
    /// The proxy's client; nil for an embedder (SwellKit alone does not forward).
    private let proxyEngine: (any ProxyEngine)?
    /// TLS and HTTP/2; nil serves plain HTTP.
    private let secureTransport: (any SecureTransport)?
    /// Recently served files, shared by the responder and emptied by the watcher and `RootMonitor`.
    private let fileCache: FileCache
    private let logger: Logger
    private let started = ContinuousClock.now
    /// Watcher → batcher → hub; nil with `--no-reload`.
    private let liveReload: LiveReloadService<ContinuousClock>?

    /// Sends `change` to every open page as one `reload` or `update` event (nothing with
    /// `--no-reload`), as a change the watcher saw would be. Paths are URL paths under ROOT.
    public func publish(_ change: ChangeSet) {
        hub?.publish(change)
    }

    /// Tells every open page that these files under ROOT changed (absolute paths, or paths
    /// relative to ROOT): one `update` when they are all stylesheets and images that still
    /// exist, else one `reload`. Nothing is sent for an empty list.
    public func outputChanged(_ paths: [String]) {
        guard let change = changeSet(forOutputPaths: paths) else { return }
        hub?.publish(change)
    }

    /// Reports that the embedder's build started: pages show the "building…" badge after
    /// 300 ms, and page navigations wait until `buildFailed` or `buildSucceeded` (at most 30 s),
    /// as with `--exec`. `changes` are the sources that started it, as the page may show them.
    public func buildStarted(changes: [String] = []) {
        guard let liveReload, configuration.build == nil else { return }
        liveReload.gate.close()
        reportedBuilds.board(hub: hub)?.started(changes: changes)
    }

    /// Reports a failed build: every page shows `output` (text only; its last 64 KiB) and
    /// `diagnostics` in the error overlay, and held navigations are answered.
    public func buildFailed(output: String, diagnostics: [BuildDiagnostic] = [], exitStatus: Int? = nil, milliseconds: Int? = nil) {
        guard let liveReload, configuration.build == nil else { return }
        var tail = BuildOutputTail()
        tail.append(Array(output.utf8))
        reportedBuilds.board(hub: hub)?.failed(exit: exitStatus, milliseconds: milliseconds, output: tail.text, diagnostics: diagnostics)
        liveReload.gate.open()
    }

    /// Reports a successful build and the files under ROOT it changed (absolute, or relative
    /// to ROOT): the overlay goes, and pages get one `update` or `reload` for them — a reload
    /// after a failed build even when nothing changed. Held navigations are then answered.
    public func buildSucceeded(changedOutputPaths: [String], milliseconds: Int? = nil) {
        guard let liveReload, configuration.build == nil else { return }
        let afterFailure = reportedBuilds.board(hub: hub)?.succeeded(milliseconds: milliseconds) ?? false
        if let change = changeSet(forOutputPaths: changedOutputPaths) {
            hub?.publish(change)
        } else if afterFailure {
            hub?.publish(ChangeSet(paths: []))
        }
        liveReload.gate.open()
    }

    /// Ends `run`: open streams close and held requests are answered, as after SIGINT.
    public func stop() async {
        await lifecycle.stop()
    }

    /// The paths under ROOT as one batch, reconciled as the watcher's are (a path gone is a deletion).
    private func changeSet(forOutputPaths paths: [String]) -> ChangeSet? {
        let root = configuration.root
        var batch = RawBatch(paths: [:])
        for path in paths {
            let absolute = path.hasPrefix("/") ? path : root + "/" + path
            let segments = absolute.dropFirst(root.count).split(separator: "/")
            guard absolute.hasPrefix(root + "/"), !segments.isEmpty, !segments.contains(".."), !segments.contains(".") else { continue }
            batch.paths[absolute] = PathHistory(appearedDuringBatch: false)
        }
        guard !batch.paths.isEmpty else { return nil }
        return ChangeSet.reconcile(batch, root: root, probe: FileSystemProbe())
    }

    /// What `/__swell/status` reports, now.
    public var status: StatusReport {
        let watcher = liveReload?.watcherStatus
        let presence = hub?.presence
        return StatusReport(
            version: configuration.version,
            root: configuration.root,
            watcher: watcher?.kind.rawValue ?? "none",
            watchCount: watcher?.count ?? 0,
            watchReady: watcher?.ready ?? false,
            clients: presence?.streams ?? 0,
            pages: presence?.pages ?? 0,
            streamsOpened: presence?.streamsOpened ?? 0,
            lastEventID: hub?.lastEventID?.description,
            uptimeSeconds: Double((ContinuousClock.now - started).components.seconds),
            build: liveReload?.buildReport ?? reportedBuilds.existing?.report,
            proxy: health?.report
        )
    }

    /// The application on `port` (0: any free port); the tests run it in-process.
    func makeApplication(
        port: Int,
        movedFrom: Int? = nil,
        logger: Logger,
        onListening: @escaping @Sendable (Listening) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let host = configuration.host
        let bindHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var services: [any Service] = []
        var control: ControlRoutes?
        if let hub, let liveReload {
            services = [liveReload, PingService(hub: hub)]
            let server = self
            control = ControlRoutes(hub: hub, status: { server.status })
        }
        let hub = self.hub
        let watcher = liveReload
        let fileCache = self.fileCache
        services.append(
            RootMonitor(root: root, logger: self.logger, isQuiet: { watcher?.gate.isClosed ?? false }) { change in
                fileCache.invalidateAll()
                if let watcher {
                    watcher.rootChanged(change)
                } else {
                    hub?.publish(ChangeSet(paths: []))
                }
            }
        )
        var proxy: (settings: ProxySettings, forwarder: any BackendForwarder)?
        var tunneler: (any BackendTunneler)?
        var tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?
        if let settings = configuration.proxy, let health, let proxyEngine {
            var backendIsBack: (@Sendable () -> Void)?
            if let hub {
                backendIsBack = { hub.publish(ChangeSet(paths: [])) }
            }
            let started = proxyEngine.start(
                settings: settings,
                health: health,
                injection: InjectionPolicy(enabled: control != nil),
                logger: self.logger,
                backendIsBack: backendIsBack
            )
            // Before the HTTP server in the group, so it stops after the server has drained.
            services.insert(started.service, at: 0)
            proxy = (settings, started.forwarder)
            tunneler = started.tunneler
        }
        let serverName = "Swell/\(configuration.version)"
        let responder = SwellResponder(
            configuration: configuration,
            root: root,
            control: control,
            cache: fileCache,
            gate: liveReload?.gate,
            proxy: proxy,
            secure: secureTransport.map { SecureServing(authorityPEM: $0.authorityPEM) }
        )
        if let settings = proxy?.settings, let tunneler {
            // The responder's own Host check, so an upgrade and a request are judged alike.
            tunnel = (WebSocketUpgradeGate(hostCheck: responder.hostCheck, settings: settings), tunneler)
        }
        return Application(
            responder: responder,
            server: channel(
                tunnel: tunnel,
                hotPaths: HotPaths(serverName: serverName, answer: responder.hotAnswer(to:eventStreams:fileRegions:forwards:))
            ),
            configuration: .init(address: .hostname(bindHost, port: port), serverName: serverName),
            services: services,
            onServerRunning: { [scheme = secureTransport == nil ? "http" : "https"] channel in
                let bound = channel.localAddress?.port ?? port
                await onListening(Listening(host: host, port: bound, movedFrom: movedFrom, scheme: scheme))
            },
            logger: logger
        )
    }

    /// The one place the connection's channel is chosen: HTTP/1.1 with Swell's request-head
    /// timeout and HTTP/1.0 close handling (`SwellHTTP1Channel`), or with HTTPS the secure
    /// transport's TLS (HTTP/2 or HTTP/1.1) and plain-HTTP redirect, made of the same parts.
    private func channel(tunnel: (gate: WebSocketUpgradeGate, tunneler: any BackendTunneler)?, hotPaths: HotPaths) -> HTTPServerBuilder {
        // A proxied answer may take minutes to start (a request paused in a debugger) or to
        // send its next event: with --proxy only the request-head timeout cuts connections.
        let idle = configuration.proxy == nil ? TimeAmount(configuration.idleTimeout) : nil
        let parts = SwellChannelParts(
            http1: .init(idleTimeout: idle),
            requestHeadTimeout: configuration.requestHeadTimeout,
            tunnel: tunnel,
            hotPaths: hotPaths
        )
        if let secureTransport { return secureTransport.serverBuilder(parts) }
        return .swellHTTP1(parts)
    }

    /// Runs until SIGINT or SIGTERM, then shuts down gracefully: open streams end, and the
    /// process returns within `shutdownGrace` even if a client holds a response open.
    /// `logger` is the HTTP side's; `onListening` runs once the socket accepts connections.
    public func run(logger: Logger = Logger(label: "swell.http"), onListening: @escaping @Sendable (Listening) async -> Void) async throws {
        let choice = try PortBinder.choose(configuration)
        let app = makeApplication(
            port: choice.port,
            movedFrom: choice.movedFrom,
            logger: logger,
            onListening: onListening
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = Self.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        guard await lifecycle.started(group) else { return }
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw SwellError.portBusy(host: configuration.host, port: choice.port)
        } catch let error as IOError {
            throw SwellError.cannotBind(host: configuration.host, port: choice.port, reason: String(cString: strerror(error.errnoCode)))
        } catch is CancellationError {
            // A client held a response open past the grace period and was cancelled: still a clean stop.
        }
    }
}

/// The board for builds an embedder reports, made by the first report, so that a server nobody
/// reports builds to says nothing about builds.
private final class ReportedBuilds: Sendable {
    private let current = Mutex<BuildBoard?>(nil)

    var existing: BuildBoard? { current.withLock { $0 } }

    func board(hub: EventHub?) -> BuildBoard? {
        guard let hub else { return nil }
        return current.withLock { board in
            if let board { return board }
            let made = BuildBoard(hub: hub, command: "(reported by the embedder)")
            board = made
            return made
        }
    }
}

/// The running service group, so that `stop()` can end it; a stop before `run` makes `run` return at once.
private final class Lifecycle: Sendable {
    private let state = Mutex<(group: ServiceGroup?, stopped: Bool)>((nil, false))

    /// False when `stop()` came first.
    func started(_ group: ServiceGroup) async -> Bool {
        state.withLock { state in
            state.group = group
            return !state.stopped
        }
    }

    func stop() async {
        let group = state.withLock { state in
            state.stopped = true
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }
}

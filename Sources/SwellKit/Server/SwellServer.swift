import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Swell as one runnable unit: opens ROOT, chooses the port, assembles the Hummingbird
/// application and runs it until SIGINT or SIGTERM.
public struct SwellServer: Sendable {
    public let configuration: SwellConfiguration
    public let root: RootDirectory
    /// The live-reload channel; nil with `--no-reload`.
    public let hub: EventHub?

    /// Where the server listens once the socket accepts connections.
    public struct Listening: Sendable, Equatable {
        public let host: String
        public let port: Int
        /// The busy default port that made Swell move to `port`.
        public let movedFrom: Int?

        /// `http://127.0.0.1:5000/`; a wildcard bind is reached through loopback.
        public var baseURL: String {
            Self.url(host: HostAddress.isWildcard(host) ? "127.0.0.1" : host, port: port)
        }

        public static func url(host: String, port: Int) -> String {
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            return "http://\(bracketed):\(port)/"
        }
    }

    /// Graceful shutdown may take this long before open responses are cancelled (the SPEC allows 2 s in all).
    static let shutdownGrace: Duration = .milliseconds(1500)

    public init(configuration: SwellConfiguration) throws(SwellError) {
        self.configuration = configuration
        self.root = try RootDirectory(path: configuration.root)
        for folder in configuration.extraWatchPaths where configuration.liveReload {
            var info = stat()
            guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .watchFolderMissing(folder) }
        }
        self.hub = configuration.liveReload ? EventHub(version: configuration.version) : nil
    }

    /// Recently served files, shared by the responder and emptied by the watcher and `RootMonitor`.
    private let fileCache = FileCache()

    /// The application on `port` (0: any free port). Tests run it through HummingbirdTesting.
    public func makeApplication(
        port: Int,
        movedFrom: Int? = nil,
        logger: Logger,
        eventLogger: Logger? = nil,
        onListening: @escaping @Sendable (Listening) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let host = configuration.host
        let bindHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var services: [any Service] = []
        var control: ControlRoutes?
        var liveReload: LiveReloadService<ContinuousClock>?
        if let hub {
            let service = LiveReloadService(
                configuration: configuration,
                hub: hub,
                logger: eventLogger ?? logger,
                clock: .continuous,
                fileCache: fileCache
            )
            services = [service, PingService(hub: hub)]
            control = ControlRoutes(hub: hub, watcherStatus: { service.watcherStatus }, root: configuration.root)
            liveReload = service
        }
        let hub = self.hub
        let watcher = liveReload
        let fileCache = self.fileCache
        services.append(
            RootMonitor(root: root, logger: eventLogger ?? logger) { change in
                fileCache.invalidateAll()
                // Pages reload into the 503 page, and out of it once ROOT is back (it carries the client too).
                if change == .returned { watcher?.rewatch() }
                hub?.publish(ChangeSet(paths: []))
            }
        )
        return Application(
            responder: SwellResponder(configuration: configuration, root: root, control: control, cache: fileCache),
            server: .swellHTTP1(
                configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout)),
                requestHeadTimeout: configuration.requestHeadTimeout
            ),
            configuration: .init(address: .hostname(bindHost, port: port), serverName: "Swell/\(configuration.version)"),
            services: services,
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                await onListening(Listening(host: host, port: bound, movedFrom: movedFrom))
            },
            logger: logger
        )
    }

    /// Runs until SIGINT or SIGTERM, then shuts down gracefully: open streams end, and the
    /// process returns within `shutdownGrace` even if a client holds a response open.
    /// `eventLogger` reports each reload and update (and the watch-limit advice); `logger` the HTTP side.
    public func run(logger: Logger, eventLogger: Logger? = nil, onListening: @escaping @Sendable (Listening) async -> Void) async throws {
        let choice = try PortBinder.choose(configuration)
        let app = makeApplication(
            port: choice.port,
            movedFrom: choice.movedFrom,
            logger: logger,
            eventLogger: eventLogger,
            onListening: onListening
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = Self.shutdownGrace
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw SwellError.portBusy(host: configuration.host, port: choice.port)
        } catch let error as IOError {
            throw SwellError.cannotBind(host: configuration.host, port: choice.port, reason: String(cString: strerror(error.errnoCode)))
        } catch is CancellationError {
            // A client held a response open past the grace period and was cancelled: still a clean stop.
        }
    }
}

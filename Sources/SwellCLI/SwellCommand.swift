import ArgumentParser
import Logging
import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// `swell [ROOT] [options]`: parse, validate, print, run. Everything else is in SwellKit.
@main
struct SwellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swell",
        abstract: "A live-reload dev server for static sites.",
        discussion: """
            Serves ROOT on http://127.0.0.1:5000/ and reloads every open tab when a file changes.
            The first line on stdout that contains http:// is the base URL.
            Exit codes: 0 after Ctrl-C or SIGTERM, 64 for bad usage, 1 for runtime errors.
            """,
        version: SwellVersion.current
    )

    @Argument(help: "The folder to serve (default: the current folder).", completion: .directory)
    var root: String?

    @Option(name: .shortAndLong, help: "Port to listen on; 0 picks a free one. A busy default port moves on to the next free one.")
    var port: Int?

    @Option(help: ArgumentHelp("Bind address; 0.0.0.0 or :: shares on the LAN and prints the LAN URLs.", valueName: "addr"))
    var host: String = "127.0.0.1"

    @Flag(
        name: .customLong("no-reload"),
        help: "Plain static server: no watching, no live-reload script, no /__swell/ endpoints."
    )
    var noReload = false

    @Option(
        help: ArgumentHelp(
            "Quiet period in milliseconds that coalesces a burst of changes into one event; a finished save of one file waits at most 5 ms of it.",
            valueName: "ms"
        )
    )
    var wait: Int = 50

    @Option(help: ArgumentHelp("Extra ignore pattern for the watcher (repeatable).", valueName: "glob"))
    var ignore: [String] = []

    @Option(help: ArgumentHelp("Extra folder to watch; a change there triggers a full reload (repeatable).", valueName: "path"))
    var watch: [String] = []

    @Option(
        defaultAsFlag: 500,
        help: ArgumentHelp("Use the polling watcher instead of inotify, every MS milliseconds (default 500). Put it after ROOT.", valueName: "ms")
    )
    var poll: Int? = nil

    @Flag(help: "Answer unknown extension-less HTML navigations with /index.html (single-page apps).")
    var spa = false

    @Flag(help: "Open the default browser on start (needs xdg-open).")
    var open = false

    @Flag(help: "Add Access-Control-Allow-Origin: * to static responses.")
    var cors = false

    @Option(name: .customLong("allow-host"), help: ArgumentHelp("Extra Host name accepted while bound to loopback (repeatable).", valueName: "name"))
    var allowHost: [String] = []

    @Option(name: .customLong("stream-interval"), help: ArgumentHelp("Seconds between /stream demo ticks.", valueName: "s"))
    var streamInterval: Double = 1

    @Flag(inversion: .prefixedNo, help: "Serve the /stream demo counter.")
    var stream = true

    @Flag(name: .shortAndLong, help: "Print only the URL line and errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log every request and more detail.")
    var verbose = false

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        if wait < 0 { throw ValidationError("--wait must be 0 or more milliseconds, not \(wait)") }
        if let poll, poll < 10 { throw ValidationError("--poll must be at least 10 milliseconds, not \(poll)") }
        if !(streamInterval > 0 && streamInterval <= 86_400) {
            throw ValidationError("--stream-interval must be more than 0 and at most 86400 seconds")
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be combined") }
        if host.isEmpty { throw ValidationError("--host needs an address, such as 127.0.0.1 or 0.0.0.0") }
    }

    func run() async throws {
        let level: Logger.Level = verbose ? .debug : (quiet ? .error : .info)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = label == "swell" ? level : (verbose ? .debug : .warning)
            return handler
        }
        let logger = Logger(label: "swell")

        let configuration = makeConfiguration()
        let server: SwellServer
        do {
            server = try SwellServer(configuration: configuration, logger: logger)
        } catch {
            Console.error("swell: error: \(error)")
            throw ExitCode(1)
        }
        let banner = StartupBanner(root: configuration.root, quiet: quiet)
        let openBrowser = open
        do {
            try await server.run(logger: Logger(label: "swell.http")) { listening in
                banner.print(listening)
                if openBrowser { BrowserLauncher.open(listening.baseURL, logger: logger) }
            }
        } catch let error as SwellError {
            Console.error("swell: error: \(error)")
            throw ExitCode(1)
        }
    }

    private func makeConfiguration() -> SwellConfiguration {
        var configuration = SwellConfiguration(root: Self.absolutePath(root ?? "."))
        configuration.host = host
        configuration.port = port ?? 5000
        configuration.portIsExplicit = port != nil
        configuration.liveReload = !noReload
        configuration.waitMilliseconds = wait
        configuration.ignorePatterns = ignore
        configuration.extraWatchPaths = watch.map(Self.absolutePath)
        configuration.pollMilliseconds = poll
        configuration.spa = spa
        configuration.cors = cors
        configuration.allowedHosts = allowHost
        configuration.streamInterval = stream ? .milliseconds(Int64((streamInterval * 1000).rounded())) : nil
        return configuration
    }

    /// `path` made absolute against the working directory, without `.` segments or a trailing slash.
    static func absolutePath(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let cwd = getcwd(&buffer, buffer.count).map { _ in String(cString: buffer) } ?? "."
            full = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}

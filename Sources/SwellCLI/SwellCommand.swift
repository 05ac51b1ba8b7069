import ArgumentParser
import Logging
import SwellHTTPS
import SwellKit
import SwellProxy

#if canImport(Glibc)
    import Glibc
#endif

/// `swell [ROOT] [options]`: parse, merge with `swell.toml`, validate, print, run. Everything
/// else is in SwellKit. Each option is declared optional so that a value given here can be
/// told from one left to the config file or the default (`ResolvedOptions`).
@main
struct SwellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swell",
        abstract: "A live-reload dev server: edit a file, and every open tab updates.",
        discussion: """
            Serves ROOT (default: the current folder) on http://127.0.0.1:5000/ and reloads every open tab when a file changes; stylesheets and images are swapped in place.

            Options can be kept in swell.toml in the current folder (or --config FILE), each long option under its own name: port = 8080, header = ["Cross-Origin-Opener-Policy: same-origin"]. The command line wins; --print-config shows what is in force. Every on/off option has a --no- form.

            The first line on stdout that contains http:// is the base URL. Exit codes: 0 after Ctrl-C or SIGTERM, 64 for bad usage, 1 for runtime errors.
            """,
        version: SwellVersion.current
    )

    @Argument(help: "The folder to serve (default: the current folder).", completion: .directory)
    var root: String?

    @Option(name: .shortAndLong, help: "Port to listen on (default 5000); 0 picks a free one. A busy default port moves on to the next free one.")
    var port: Int?

    @Option(help: ArgumentHelp("Bind address (default 127.0.0.1); 0.0.0.0 or :: shares on the LAN and prints the LAN URLs.", valueName: "addr"))
    var host: String?

    @Flag(inversion: .prefixedNo, help: "Live reload (default on); --no-reload is a plain static server: no watching, no script, no /__swell/.")
    var reload: Bool?

    @Option(
        help: ArgumentHelp(
            "Quiet period that coalesces a burst of changes into one event, in milliseconds, or auto (the default: 50 ms, and a finished save of one file waits 5 ms).",
            valueName: "ms|auto"
        )
    )
    var wait: WaitArgument?

    @Option(help: ArgumentHelp("Extra ignore pattern for the watcher, gitignore-style (repeatable).", valueName: "glob"))
    var ignore: [String] = []

    @Option(
        help: ArgumentHelp("Extra folder to watch; a change there triggers a full reload (repeatable).", valueName: "path"),
        completion: .directory
    )
    var watch: [String] = []

    @Option(
        defaultAsFlag: 500,
        help: ArgumentHelp("Use the polling watcher instead of inotify, every MS milliseconds (default 500). Put it after ROOT.", valueName: "ms")
    )
    var poll: Int? = nil

    @Flag(inversion: .prefixedNo, help: "Answer unknown extension-less HTML navigations with /index.html (single-page apps).")
    var spa: Bool?

    @Flag(inversion: .prefixedNo, help: "Open the browser on / at start; --open=PATH opens PATH (needs xdg-open).")
    var open: Bool?

    /// `--open=PATH`, rewritten to this before parsing so that `--open ROOT` keeps ROOT as ROOT.
    @Option(name: .customLong("open-path"), help: .hidden)
    var openPath: String?

    @Flag(inversion: .prefixedNo, help: "Add Access-Control-Allow-Origin: * to static responses.")
    var cors: Bool?

    @Option(name: .customLong("allow-host"), help: ArgumentHelp("Extra Host name accepted while bound to loopback (repeatable).", valueName: "name"))
    var allowHost: [String] = []

    @Option(
        help: ArgumentHelp(
            "Header on every file, listing and 404 (repeatable), such as \"Cross-Origin-Embedder-Policy: require-corp\"; never on /__swell/.",
            valueName: "name: value"
        )
    )
    var header: [String] = []

    @Option(
        help: ArgumentHelp(
            "Build command, run by /bin/sh -c in the current folder at start and after each change in the sources; ROOT is its output. Pages reload once it is done and show its errors.",
            valueName: "cmd"
        )
    )
    var exec: String?

    @Option(
        help: ArgumentHelp("What a change must touch to start a build (repeatable; default: the current folder, less ROOT).", valueName: "path"),
        completion: .directory
    )
    var source: [String] = []

    @Option(name: .customLong("exec-timeout"), help: ArgumentHelp("Kill a build that runs longer than S seconds (default: none).", valueName: "s"))
    var execTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "Forward to a backend: URL for the whole site (ROOT is then only watched), or PREFIX=URL for the paths under PREFIX (repeatable). Its HTML pages get live reload.",
            valueName: "[prefix=]url"
        )
    )
    var proxy: [String] = []

    @Option(
        name: .customLong("proxy-delay"),
        help: ArgumentHelp("Wait MS before publishing a change, for a backend that restarts on edits (default 0).", valueName: "ms")
    )
    var proxyDelay: Int?

    @Option(name: .customLong("proxy-timeout"), help: ArgumentHelp("Seconds to wait for the backend's answer head (default 120).", valueName: "s"))
    var proxyTimeout: Double?

    @Flag(name: .customLong("proxy-insecure"), inversion: .prefixedNo, help: "Accept a self-signed certificate from an https:// backend.")
    var proxyInsecure: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: "Serve HTTPS, HTTP/2 and HTTP/1.1, with a certificate from Swell's own local CA (made on first use; see --trust)."
    )
    var https: Bool?

    @Option(
        help: ArgumentHelp("Serve HTTPS with this PEM certificate (mkcert's, say) instead of Swell's CA; needs --key.", valueName: "file"),
        completion: .file()
    )
    var cert: String?

    @Option(help: ArgumentHelp("The PEM private key of --cert.", valueName: "file"), completion: .file())
    var key: String?

    @Flag(help: "Install Swell's CA in this user's browsers (NSS: Chromium, Firefox) and, as root, the system store; print what was done and exit.")
    var trust = false

    @Flag(help: "Remove Swell's CA from the places --trust installs it; print what was done and exit.")
    var untrust = false

    @Option(name: .customLong("stream-interval"), help: ArgumentHelp("Seconds between /stream demo ticks (default 1).", valueName: "s"))
    var streamInterval: Double?

    @Flag(inversion: .prefixedNo, help: "Serve the /stream demo counter (default on).")
    var stream: Bool?

    @Flag(name: .shortAndLong, inversion: .prefixedNo, help: "Print only the URL line and errors.")
    var quiet: Bool?

    @Flag(name: .shortAndLong, inversion: .prefixedNo, help: "Log every request and more detail.")
    var verbose: Bool?

    @Option(help: ArgumentHelp("Read options from FILE instead of ./swell.toml.", valueName: "file"), completion: .file(extensions: ["toml"]))
    var config: String?

    @Flag(name: .customLong("print-config"), help: "Print the options in force as TOML (defaults as comments) and exit.")
    var printConfig = false

    /// `--open=PATH` becomes `--open-path PATH`: a flag that took the next word would eat ROOT.
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst().flatMap { argument -> [String] in
            argument.hasPrefix("--open=") ? ["--open-path", String(argument.dropFirst("--open=".count))] : [argument]
        }
        do {
            var command = try parseAsRoot(Array(arguments))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    /// What the command line set, under the registry's keys.
    var commandLineValues: [String: OptionValue] {
        var values: [String: OptionValue] = [:]
        let workingDirectory = Self.workingDirectory()
        if let root { values["root"] = .string(Paths.absolute(root, from: workingDirectory)) }
        if let port { values["port"] = .int(port) }
        if let host { values["host"] = .string(host) }
        if let reload { values["reload"] = .bool(reload) }
        if let wait { values["wait"] = wait.value }
        if !ignore.isEmpty { values["ignore"] = .strings(ignore) }
        if !watch.isEmpty { values["watch"] = .strings(watch.map { Paths.absolute($0, from: workingDirectory) }) }
        if let poll { values["poll"] = .int(poll) }
        if let spa { values["spa"] = .bool(spa) }
        if let openPath {
            values["open"] = .string(openPath)
        } else if let open {
            values["open"] = .bool(open)
        }
        if let cors { values["cors"] = .bool(cors) }
        if !allowHost.isEmpty { values["allow-host"] = .strings(allowHost) }
        if !header.isEmpty { values["header"] = .strings(header) }
        if let exec { values["exec"] = .string(exec) }
        if !source.isEmpty { values["source"] = .strings(source.map { Paths.absolute($0, from: workingDirectory) }) }
        if let execTimeout { values["exec-timeout"] = .number(execTimeout) }
        if !proxy.isEmpty { values["proxy"] = .strings(proxy) }
        if let proxyDelay { values["proxy-delay"] = .int(proxyDelay) }
        if let proxyTimeout { values["proxy-timeout"] = .number(proxyTimeout) }
        if let proxyInsecure { values["proxy-insecure"] = .bool(proxyInsecure) }
        if let https { values["https"] = .bool(https) }
        if let cert { values["cert"] = .string(Paths.absolute(cert, from: workingDirectory)) }
        if let key { values["key"] = .string(Paths.absolute(key, from: workingDirectory)) }
        if let streamInterval { values["stream-interval"] = .number(streamInterval) }
        if let stream { values["stream"] = .bool(stream) }
        if let quiet { values["quiet"] = .bool(quiet) }
        if let verbose { values["verbose"] = .bool(verbose) }
        return values
    }

    func run() async throws {
        let workingDirectory = Self.workingDirectory()
        let options: ResolvedOptions
        do {
            options = ResolvedOptions(commandLine: commandLineValues, file: try ConfigFile.find(explicit: config, in: workingDirectory))
            try options.validate(workingDirectory: workingDirectory)
        } catch {
            // Printed as swift-argument-parser prints any usage error, and exit 64.
            throw ValidationError("\(error)")
        }
        if printConfig {
            Console.out(options.printed())
            return
        }
        if trust || untrust {
            if trust && untrust { throw ValidationError("--trust and --untrust cannot be combined") }
            try await changeTrust(adding: trust)
            return
        }
        let quiet = options.bool("quiet"), verbose = options.bool("verbose")
        let level: Logger.Level = verbose ? .debug : (quiet ? .error : .info)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = label == "swell" ? level : (verbose ? .debug : .warning)
            return handler
        }
        let logger = Logger(label: "swell")

        var configuration = options.configuration(workingDirectory: workingDirectory)
        configuration.ownOutputFiles = OutputFiles.current()
        let server: SwellServer
        var transport: HTTPSTransport?
        do {
            switch options.https {
            case .localAuthority: transport = try HTTPSTransport.localAuthority(for: configuration)
            case .files(let certificate, let key): transport = try HTTPSTransport.files(certificate: certificate, key: key)
            case nil: transport = nil
            }
            server = try SwellServer(
                configuration: configuration,
                logger: logger,
                proxyEngine: configuration.proxy == nil ? nil : HTTPClientProxyEngine(),
                secureTransport: transport
            )
        } catch {
            Console.error("swell: error: \(error)")
            throw ExitCode(1)
        }
        var notices = options.fileNotice
        if let transport { notices.insert(contentsOf: await Self.httpsNotices(transport, configuration: configuration), at: 0) }
        if let build = configuration.build {
            let sources =
                build.sources.isEmpty ? "changes in \(build.projectFolder) outside ROOT" : "changes in \(build.sources.joined(separator: ", "))"
            notices.insert("  Build:   \(build.command) (at start and after \(sources); output on stderr)", at: 0)
        }
        if let proxy = configuration.proxy {
            for upstream in proxy.upstreams.reversed() {
                let scope = upstream.prefix == "/" ? "everything but /__swell/" : upstream.prefix + "/…"
                notices.insert("  Proxy:   \(scope) → \(upstream.displayURL)", at: 0)
            }
            if !configuration.isLoopbackBind {
                notices.append(
                    "  Warning: --host \(configuration.host) shares the backend on the LAN, and it sees those requests as coming from Swell's loopback address"
                )
            }
        }
        let banner = StartupBanner(
            root: configuration.root,
            quiet: quiet,
            notices: notices,
            watchesOnly: configuration.proxy?.isWholeSite == true,
            servesAuthority: transport?.authorityPath != nil
        )
        let openPath = options.openPath
        do {
            try await server.run(logger: Logger(label: "swell.http")) { listening in
                banner.print(listening)
                StartupPages.release()
                if let openPath { BrowserLauncher.open(listening.baseURL + openPath.dropFirst(), logger: logger) }
            }
        } catch let error as SwellError {
            Console.error("swell: error: \(error)")
            throw ExitCode(1)
        }
    }

    /// `--trust` / `--untrust`: one line per place, exit 1 when none could be changed.
    private func changeTrust(adding: Bool) async throws {
        do {
            let stores = TrustStores()
            let report = adding ? try await stores.trust() : try await stores.untrust()
            for line in report.lines { Console.out(line) }
            if !report.succeeded { throw ExitCode(1) }
        } catch let error as CertificateError {
            Console.error("swell: error: \(error)")
            throw ExitCode(1)
        }
    }

    /// What the banner says of HTTPS: where the CA is and how to trust it, names left out.
    static func httpsNotices(_ transport: HTTPSTransport, configuration: SwellConfiguration) async -> [String] {
        guard let authorityPath = transport.authorityPath else { return ["  HTTPS:   with the certificate given by --cert"] }
        var lines: [String] = []
        if await TrustStores.isTrusted(transport) {
            lines.append("  HTTPS:   certificate from Swell's local CA (\(authorityPath))")
        } else {
            lines.append("  HTTPS:   Swell's local CA is not trusted yet: run swell --trust once (CA: \(authorityPath))")
        }
        for name in transport.leftOutNames {
            lines.append("  Note:    the certificate leaves out \(name) (Swell's CA signs only local names); use --cert for it")
        }
        return lines
    }

    static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

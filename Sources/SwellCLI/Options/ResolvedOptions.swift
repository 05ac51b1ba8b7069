import SwellKit

/// The options in force: the command line's, then the config file's, then the defaults.
/// A list given on the command line replaces the file's; every path is absolute by now.
struct ResolvedOptions: Sendable {
    enum Source: Sendable, Equatable {
        case commandLine
        case file(line: Int?)
    }

    /// A value that cannot be used: exit 64, saying which flag or which line of the file set it.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// What was set, by whom; a key not here has its default.
    let set: [String: (value: OptionValue, source: Source)]
    let file: ConfigFile?

    init(commandLine: [String: OptionValue], file: ConfigFile?) {
        var set: [String: (value: OptionValue, source: Source)] = [:]
        for (key, entry) in file?.values ?? [:] { set[key] = (entry.value, .file(line: entry.line)) }
        for (key, value) in commandLine { set[key] = (value, .commandLine) }
        self.set = set
        self.file = file
    }

    func value(_ key: String) -> OptionValue? {
        set[key]?.value ?? OptionRegistry.spec(key)?.defaultValue
    }

    func bool(_ key: String) -> Bool {
        if case .bool(let value) = value(key) { return value }
        return false
    }

    func strings(_ key: String) -> [String] {
        if case .strings(let values) = value(key) { return values }
        return []
    }

    /// Where `key` was set, for messages: `--port` or `swell.toml:3`.
    func origin(_ key: String) -> String {
        switch set[key]?.source {
        case .file(let line): "\(file?.path ?? "the config file")\(line.map { ":\($0)" } ?? "") (\(key))"
        default: "--\(key)"
        }
    }

    /// The checks `swell --help` promises, on the merged values. `workingDirectory` is where
    /// the build would run.
    func validate(workingDirectory: String = "/") throws(Problem) {
        if case .int(let port) = value("port"), !(0...65535).contains(port) {
            throw Problem(description: "\(origin("port")) must be between 0 and 65535, not \(port)")
        }
        if case .int(let wait) = value("wait"), wait < 0 {
            throw Problem(description: "\(origin("wait")) must be 0 or more milliseconds, or auto, not \(wait)")
        }
        if case .int(let poll) = value("poll"), poll < 10 {
            throw Problem(description: "\(origin("poll")) must be at least 10 milliseconds, not \(poll)")
        }
        if case .number(let interval) = value("stream-interval"), !(interval > 0 && interval <= 86_400) {
            throw Problem(description: "\(origin("stream-interval")) must be more than 0 and at most 86400 seconds")
        }
        if bool("quiet") && bool("verbose") { throw Problem(description: "--quiet and --verbose cannot be combined") }
        if case .string(let host) = value("host"), host.isEmpty {
            throw Problem(description: "\(origin("host")) needs an address, such as 127.0.0.1 or 0.0.0.0")
        }
        if case .string(let path) = value("open"), !path.hasPrefix("/") {
            throw Problem(description: "\(origin("open")) takes a URL path that starts with /, such as --open=/docs/, not \"\(path)\"")
        }
        if case .string(let command) = value("exec") {
            if command.allSatisfy(\.isWhitespace) { throw Problem(description: "\(origin("exec")) needs a command, such as --exec \"hugo\"") }
            if !bool("reload") { throw Problem(description: "--exec needs live reload: drop --no-reload (\(origin("reload")))") }
            var root = workingDirectory
            if case .string(let path) = value("root") { root = Paths.absolute(path, from: workingDirectory) }
            if strings("source").isEmpty && (root == workingDirectory || workingDirectory.hasPrefix(root + "/")) {
                throw Problem(
                    description:
                        "--exec builds in place here (ROOT is the current folder): name what the build reads with --source, such as --source scss"
                )
            }
        } else if !strings("source").isEmpty || set["exec-timeout"] != nil {
            throw Problem(description: "\(set["source"] != nil ? origin("source") : origin("exec-timeout")) only applies with --exec CMD")
        }
        if case .number(let timeout) = value("exec-timeout"), !(timeout > 0) {
            throw Problem(description: "\(origin("exec-timeout")) must be more than 0 seconds")
        }
        var prefixes: Set<String> = []
        for text in strings("proxy") {
            let upstream: ProxyUpstream
            do {
                upstream = try ProxyUpstream(parsing: text)
            } catch {
                throw Problem(description: error.message + (set["proxy"]?.source == .commandLine ? "" : " (\(origin("proxy")))"))
            }
            guard prefixes.insert(upstream.prefix).inserted else {
                throw Problem(
                    description:
                        "--proxy names \(upstream.prefix == "/" ? "a whole-site backend" : upstream.prefix) twice (\(origin("proxy"))); give each prefix one backend"
                )
            }
        }
        if strings("proxy").isEmpty {
            for key in ["proxy-delay", "proxy-timeout", "proxy-insecure"] where set[key] != nil {
                throw Problem(description: "\(origin(key)) only applies with --proxy URL")
            }
        }
        if case .int(let delay) = value("proxy-delay"), !(0...60_000).contains(delay) {
            throw Problem(description: "\(origin("proxy-delay")) must be 0 to 60000 milliseconds, not \(delay)")
        }
        if case .number(let timeout) = value("proxy-timeout"), !(timeout > 0) {
            throw Problem(description: "\(origin("proxy-timeout")) must be more than 0 seconds")
        }
        if (set["cert"] == nil) != (set["key"] == nil) {
            let given = set["cert"] == nil ? "key" : "cert"
            throw Problem(description: "\(origin(given)) needs its pair: give both --cert FILE and --key FILE")
        }
        for text in strings("header") {
            do {
                _ = try ResponseHeader(parsing: text)
            } catch {
                throw Problem(description: "\(error) (\(origin("header")))")
            }
        }
    }

    /// The engine's configuration; relative paths from the command line start at `workingDirectory`.
    func configuration(workingDirectory: String) -> SwellConfiguration {
        let absolute = { (path: String) in Paths.absolute(path, from: workingDirectory) }
        var root = "."
        if case .string(let path) = value("root") { root = path }
        var configuration = SwellConfiguration(root: absolute(root))
        if case .string(let host) = value("host") { configuration.host = host }
        if case .int(let port) = value("port") { configuration.port = port }
        configuration.portIsExplicit = set["port"] != nil
        configuration.liveReload = bool("reload")
        switch value("wait") {
        case .int(let wait):
            configuration.waitMilliseconds = wait
            configuration.adaptiveQuiet = false
        default:
            configuration.adaptiveQuiet = true
        }
        configuration.ignorePatterns = strings("ignore")
        configuration.extraWatchPaths = strings("watch").map(absolute)
        switch value("poll") {
        case .int(let interval): configuration.pollMilliseconds = interval
        case .bool(true):
            if case .millisecondsOrFlag(let interval) = OptionRegistry.spec("poll")?.kind { configuration.pollMilliseconds = interval }
        default: configuration.pollMilliseconds = nil
        }
        configuration.spa = bool("spa")
        configuration.cors = bool("cors")
        configuration.allowedHosts = strings("allow-host")
        configuration.headers = strings("header").compactMap { try? ResponseHeader(parsing: $0) }
        var interval = 1.0
        if case .number(let seconds) = value("stream-interval") { interval = seconds }
        configuration.streamInterval = bool("stream") ? .milliseconds(Int64((interval * 1000).rounded())) : nil
        if let file { configuration.hiddenFiles = [file.absolutePath] }
        if case .string(let command) = value("exec") {
            var timeout: Duration?
            if case .number(let seconds) = value("exec-timeout") { timeout = .milliseconds(Int64((seconds * 1000).rounded())) }
            configuration.build = BuildSettings(
                command: command,
                projectFolder: workingDirectory,
                sources: strings("source").map(absolute),
                timeout: timeout
            )
        }
        let upstreams = strings("proxy").compactMap { try? ProxyUpstream(parsing: $0) }
        if !upstreams.isEmpty {
            var proxy = ProxySettings(upstreams: upstreams)
            if case .int(let delay) = value("proxy-delay") { proxy.publishDelay = .milliseconds(delay) }
            if case .number(let seconds) = value("proxy-timeout") { proxy.timeout = .milliseconds(Int64((seconds * 1000).rounded())) }
            proxy.acceptsAnyCertificate = bool("proxy-insecure")
            configuration.proxy = proxy
        }
        return configuration
    }

    /// HTTPS: with Swell's CA (`--https`), or with the user's files (`--cert` and `--key`).
    enum HTTPS: Equatable {
        case localAuthority
        case files(certificate: String, key: String)
    }

    var https: HTTPS? {
        if case .string(let certificate) = value("cert"), case .string(let key) = value("key") {
            return .files(certificate: certificate, key: key)
        }
        return bool("https") ? .localAuthority : nil
    }

    /// The URL path `--open` asks for, or nil.
    var openPath: String? {
        switch value("open") {
        case .bool(true): "/"
        case .string(let path): path
        default: nil
        }
    }

    /// The effective configuration as TOML: what was set, then every default as a comment,
    /// so that reading it back changes nothing.
    func printed() -> String {
        var lines = ["# swell --print-config: the options in force. Lines set by the command line or"]
        lines.append("# the config file are values; the rest are the defaults, as comments.")
        for spec in OptionRegistry.all {
            // Paths are absolute already: the command line's from the working directory, the file's from the file.
            if let value = set[spec.key]?.value {
                lines.append("\(spec.key) = \(value.toml)")
            } else if let fallback = spec.defaultValue {
                lines.append("# \(spec.key) = \(fallback.toml)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What the banner says about the file: its name and keys, and a warning for each key that
    /// changes who can reach the server or what it runs.
    var fileNotice: [String] {
        guard let file else { return [] }
        let keys = OptionRegistry.all.map(\.key).filter { file.values[$0] != nil }
        let named = keys.map { key in
            if case .file = set[key]?.source { return key }
            return key + " (overridden)"
        }
        var lines = ["  Config:  \(file.path)" + (keys.isEmpty ? " (sets nothing)" : " sets \(named.joined(separator: ", "))")]
        for key in keys where OptionRegistry.spec(key)?.warnsWhenFileSetsIt == true {
            guard case .file = set[key]?.source else { continue }
            lines.append("  Warning: \(file.path) sets \(key) = \(set[key]!.value.toml); check that you meant it")
        }
        return lines
    }
}

/// Paths as the command line means them.
enum Paths {
    /// `path` made absolute against `folder`, without `.` segments or a trailing slash.
    static func absolute(_ path: String, from folder: String) -> String {
        let full = path.hasPrefix("/") ? path : folder + "/" + path
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

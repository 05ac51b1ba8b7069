/// Every setting the engine runs with, already validated.
///
/// The command line builds one; tests build their own. Settings that later parts of the
/// engine (watching, batching) consume are carried here already so that the CLI contract
/// is stable.
public struct SwellConfiguration: Sendable {
    /// The folder being served, as an absolute path.
    public var root: String
    /// Bind address; loopback unless the user shares on the LAN.
    public var host: String = "127.0.0.1"
    /// Port to bind; `0` lets the kernel pick one.
    public var port: Int = 5000
    /// Whether the user named the port. A busy named port is an error; a busy default port
    /// moves on to the next free one.
    public var portIsExplicit: Bool = false
    /// How many ports after a busy default port are tried.
    public var portSearchLimit: Int = 10
    /// Live reload on (`false` for `--no-reload`: a plain static server).
    public var liveReload: Bool = true
    /// Quiet period that coalesces a burst of changes, in milliseconds.
    public var waitMilliseconds: Int = 50
    /// `--wait auto` (the default): a finished save of one file needs only a 5 ms settle
    /// period. A `--wait MS` given explicitly turns it off: every batch waits MS of quiet.
    public var adaptiveQuiet: Bool = true
    /// Files never served nor listed, whatever path or link reaches them (the config file).
    public var hiddenFiles: [String] = []
    /// Whether Swell watches ROOT itself. An embedder that tells Swell what its build changed
    /// (`SwellServer.buildSucceeded(changedOutputPaths:)`) turns this off, or every change would
    /// reach the pages twice. `--watch` folders are watched either way.
    public var watchesRoot: Bool = true
    /// Extra ignore patterns (`--ignore`).
    public var ignorePatterns: [String] = []
    /// Files this process writes its own output to, as absolute paths: the log that stdout or
    /// stderr is redirected to (`swell > swell.log`). A change to one is never an event nor a
    /// build trigger, since Swell writes a line there for every event and every build.
    public var ownOutputFiles: [String] = []
    /// Extra folders to watch (`--watch`).
    public var extraWatchPaths: [String] = []
    /// Polling interval in milliseconds when the polling watcher is chosen (`--poll`).
    public var pollMilliseconds: Int?
    /// Answer unknown extension-less HTML navigations with `/index.html`.
    public var spa: Bool = false
    /// Add `Access-Control-Allow-Origin: *` to static responses.
    public var cors: Bool = false
    /// Extra Host names accepted when bound to loopback.
    public var allowedHosts: [String] = []
    /// Headers set on every response for ROOT (`--header`), replacing one of the same name;
    /// never on `/__swell/*`. `ResponseHeader` refuses framing and hop-by-hop names.
    public var headers: [ResponseHeader] = []
    /// The site's build (`--exec`); nil serves ROOT as it is. With a build, ROOT may be missing
    /// until the first build has made it.
    public var build: BuildSettings?
    /// The backends (`--proxy`); nil serves everything from ROOT. In whole-site mode ROOT is
    /// watched, never served.
    package var proxy: ProxySettings?
    /// Seconds between `/stream` ticks; `nil` disables the endpoint.
    public var streamInterval: Duration? = .seconds(1)
    /// Version string reported by the server.
    public var version: String = SwellVersion.current
    /// How long a client may take to send a complete request head, from connecting or from
    /// the end of its previous response (slowloris clients are cut off here).
    public var requestHeadTimeout: Duration = .seconds(10)
    /// How long a connection may sit with no traffic at all, a response in progress included.
    public var idleTimeout: Duration = .seconds(75)

    /// The defaults of the command line, serving `root` (an absolute path).
    public init(root: String) {
        self.root = root
    }

    /// Whether the bind address is a loopback address, which turns on the DNS-rebinding Host check.
    public var isLoopbackBind: Bool {
        HostAddress.isLoopback(host)
    }
}

/// The version of Swell.
public enum SwellVersion {
    /// This build's version, as `swell --version` and `/__swell/status` report it.
    public static let current = "0.1.0"
}

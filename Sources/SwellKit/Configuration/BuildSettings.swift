#if canImport(Glibc)
    import Glibc
#endif

/// How Swell runs a site's build (`--exec`): the command, where it runs, what starts it.
public struct BuildSettings: Sendable, Equatable {
    /// Run by `/bin/sh -c` in `projectFolder`: once at start, then after each change in the sources.
    public var command: String
    /// The folder the build runs in, and the one `SWELL_CHANGED` and diagnostics are relative to.
    public var projectFolder: String
    /// Absolute folders or files a change must touch to start a build; empty means "the
    /// project folder, less ROOT".
    public var sources: [String]
    /// A build that runs longer is killed and reported as failed (`--exec-timeout`); nil: never.
    public var timeout: Duration?
    /// A first build still running after this long is reported once: `--exec` wants a command that exits.
    public var longRunNotice: Duration = .seconds(60)
    /// How long a page navigation waits for a running build before it is answered anyway.
    public var navigationHold: Duration = .seconds(30)
    /// The build date every build is given as `SOURCE_DATE_EPOCH` (seconds since 1970), unless
    /// Swell's own environment sets one: the time these settings were made, so it holds for
    /// the server's life. Tools that stamp their output with the build time and honour the
    /// variable (mkdocs writes it into every page) then rewrite a page with the same bytes
    /// unless its sources changed, and a stylesheet edit stays an `update`.
    public var buildDate: Int64 = Int64(time(nil))

    /// A build of `command` in `projectFolder` (absolute), started by changes in `sources`.
    public init(command: String, projectFolder: String, sources: [String] = [], timeout: Duration? = nil) {
        self.command = command
        self.projectFolder = projectFolder
        self.sources = sources
        self.timeout = timeout
    }
}

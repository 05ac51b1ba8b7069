/// What the live-reload task knows about the site's build between inputs: which changes
/// are sources, the schedule, the source batch, the digests of ROOT, and the barrier a
/// finished build waits behind. Owned by that one task; no locks.
struct BuildCoordinator<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    /// A finished build waiting for the watcher to have reported everything up to its exit.
    struct Finishing: Sendable {
        let token: Int
        let outcome: BuildOutcome
        /// If the watcher never answers (it was replaced meanwhile), the batch is taken anyway.
        let deadline: C.Instant
    }

    let settings: BuildSettings
    let root: String
    var schedule = BuildSchedule()
    /// Source changes gathered until they settle, then handed to the schedule.
    var sources: ChangeBatcher<C>
    var digests: OutputDigests
    var finishing: Finishing?
    /// ROOT was deleted, replaced or came back while the build ran: compare all of it afterwards.
    var rootReplaced = false
    private var nextToken = 0

    init(settings: BuildSettings, root: String, quiet: Duration, settleQuiet: Duration?, isIgnored: @escaping @Sendable (String, Bool) -> Bool) {
        self.settings = settings
        self.root = root
        // A finished save of one source starts its build after 2 ms: the build itself takes
        // longer than any editor's save, and every millisecond here is one the user waits.
        sources = ChangeBatcher(quiet: quiet, settleQuiet: settleQuiet ?? .milliseconds(2))
        digests = OutputDigests(root: root, isIgnored: isIgnored)
    }

    /// Whether a change of `path` starts a build. An explicit `--source` counts wherever it
    /// is, except for the parts of ROOT it holds when it is not itself inside ROOT; by default
    /// everything in the project folder but ROOT is a source.
    func isSource(_ path: String) -> Bool {
        let underRoot = Self.covers(root, path)
        if settings.sources.isEmpty { return Self.covers(settings.projectFolder, path) && !underRoot }
        return settings.sources.contains { source in
            Self.covers(source, path) && (!underRoot || Self.covers(root, source))
        }
    }

    /// A source path as `SWELL_CHANGED` and the terminal name it: relative to the project folder when inside it.
    func relative(_ path: String) -> String {
        Self.covers(settings.projectFolder, path) && path != settings.projectFolder
            ? String(path.dropFirst(settings.projectFolder.count + 1)) : path
    }

    /// A build is running or its batch is not out yet: nothing is published meanwhile.
    var isBuilding: Bool { schedule.isRunning }

    mutating func makeToken() -> Int {
        nextToken += 1
        return nextToken
    }

    static func covers(_ folder: String, _ path: String) -> Bool {
        path == folder || path.hasPrefix(folder + "/")
    }
}

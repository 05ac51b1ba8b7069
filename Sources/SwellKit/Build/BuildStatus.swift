/// Where the site's build stands: what `event: build`, `hello` and `/__swell/status` report,
/// and what the page's overlay and badge show.
public struct BuildStatus: Sendable, Equatable {
    /// The build's state, as the channel and `/__swell/status` name it.
    public enum State: String, Sendable {
        /// No build has run yet.
        case idle
        /// A build is running; navigations wait for it.
        case running
        /// The latest build failed; pages show its output.
        case failed
        /// The latest build succeeded.
        case ok
    }

    /// Running, failed, ok, or idle before the first build.
    public var state: State
    /// The number of the current or latest build, counting from 1; 0 before the first.
    public var run: Int
    /// The source paths that started the current build, relative to the project folder.
    public var changes: [String]
    /// The failed build's exit status (128 + the signal when it was killed).
    public var exit: Int?
    /// How long the latest finished build took.
    public var milliseconds: Int?
    /// The last 64 KiB of the failed build's output, terminal escapes removed.
    public var output: String
    /// The failed build's diagnostics that name files of the project.
    public var diagnostics: [BuildDiagnostic]

    /// Before the first build.
    public static let idle = BuildStatus(state: .idle, run: 0)

    /// A status; the fields a state does not use stay empty.
    public init(
        state: State,
        run: Int,
        changes: [String] = [],
        exit: Int? = nil,
        milliseconds: Int? = nil,
        output: String = "",
        diagnostics: [BuildDiagnostic] = []
    ) {
        self.state = state
        self.run = run
        self.changes = changes
        self.exit = exit
        self.milliseconds = milliseconds
        self.output = output
        self.diagnostics = diagnostics
    }

    /// The `event: build` payload: each state carries only its own fields.
    var eventJSON: String {
        var json = "{\"state\":" + JSONText.string(state.rawValue) + ",\"run\":\(run)"
        switch state {
        case .idle:
            break
        case .running:
            json += ",\"changes\":" + JSONText.array(changes)
        case .failed:
            json += ",\"exit\":" + (exit.map(String.init) ?? "null") + ",\"ms\":\(milliseconds ?? 0)"
            json += ",\"output\":" + JSONText.string(output)
            json += ",\"diagnostics\":[" + diagnostics.map(\.json).joined(separator: ",") + "]"
        case .ok:
            json += ",\"ms\":\(milliseconds ?? 0)"
        }
        return json + "}"
    }
}

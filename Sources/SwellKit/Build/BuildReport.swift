/// The `build` part of `/__swell/status`.
public struct BuildReport: Sendable, Equatable {
    /// The `--exec` command.
    public var command: String
    /// Where the latest build stands.
    public var state: BuildStatus.State
    /// Builds started so far.
    public var runs: Int
    /// The latest finished build's exit status.
    public var lastExit: Int?
    /// How long the latest finished build took.
    public var lastMilliseconds: Int?

    var json: String {
        "{\"command\":" + JSONText.string(command) + ",\"state\":" + JSONText.string(state.rawValue) + ",\"runs\":\(runs)"
            + ",\"lastExit\":" + (lastExit.map(String.init) ?? "null") + ",\"lastMs\":" + (lastMilliseconds.map(String.init) ?? "null") + "}"
    }
}

import Synchronization

/// The one place a build's state is announced — `--exec`'s own builds and the builds an
/// embedder reports through `SwellServer` alike: `event: build` on every stream, the state a
/// later `hello` carries, and the `build` part of `/__swell/status`.
final class BuildBoard: Sendable {
    private let hub: EventHub
    /// The `--exec` command, or what the embedder calls its build.
    let command: String
    private let summary = Mutex(BuildSummary())

    init(hub: EventHub, command: String) {
        self.hub = hub
        self.command = command
        hub.publishBuild(.idle)
    }

    /// Build `run` started for `changes`; nil numbers it after the last one. Returns its number.
    @discardableResult
    func started(run: Int? = nil, changes: [String]) -> Int {
        let number = summary.withLock { summary in
            summary.runs = run ?? summary.runs + 1
            return summary.runs
        }
        hub.publishBuild(BuildStatus(state: .running, run: number, changes: changes))
        return number
    }

    /// Returns whether the build before it failed: then pages reload even if nothing changed.
    @discardableResult
    func succeeded(milliseconds: Int?) -> Bool {
        let (run, afterFailure) = finish(exit: 0, milliseconds: milliseconds, failed: false)
        hub.publishBuild(BuildStatus(state: .ok, run: run, milliseconds: milliseconds))
        return afterFailure
    }

    func failed(exit: Int?, milliseconds: Int?, output: String, diagnostics: [BuildDiagnostic]) {
        let (run, _) = finish(exit: exit, milliseconds: milliseconds, failed: true)
        hub.publishBuild(
            BuildStatus(state: .failed, run: run, exit: exit, milliseconds: milliseconds, output: output, diagnostics: diagnostics)
        )
    }

    /// The finished build's number, and whether the one before it failed.
    private func finish(exit: Int?, milliseconds: Int?, failed: Bool) -> (run: Int, afterFailure: Bool) {
        summary.withLock { summary in
            defer { summary.lastFailed = failed }
            summary.lastExit = exit
            summary.lastMilliseconds = milliseconds
            return (max(summary.runs, 1), summary.lastFailed)
        }
    }

    /// The latest state, as `hello` carries it.
    var status: BuildStatus { hub.buildStatus ?? .idle }

    /// What `/__swell/status` reports.
    var report: BuildReport {
        let summary = summary.withLock { $0 }
        return BuildReport(
            command: command,
            state: status.state,
            runs: summary.runs,
            lastExit: summary.lastExit,
            lastMilliseconds: summary.lastMilliseconds
        )
    }
}

/// What the board remembers of finished builds, for `/__swell/status`.
struct BuildSummary: Sendable {
    var runs = 0
    var lastExit: Int?
    var lastMilliseconds: Int?
    var lastFailed = false
}

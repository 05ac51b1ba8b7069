import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// How one build ended.
struct BuildOutcome: Sendable, Equatable {
    enum Ending: Sendable, Equatable {
        case exited(Int)
        /// Killed by a signal; `exit` reports it as a shell does, 128 + the signal.
        case signaled(Int)
        /// Killed after `--exec-timeout`.
        case timedOut
        /// `/bin/sh` could not be started.
        case couldNotStart(String)
    }

    var ending: Ending
    var duration: Duration
    /// The output's last 64 KiB, for the page.
    var output: BuildOutputTail

    var succeeded: Bool { ending == .exited(0) }

    /// The exit status the page shows: the code, or 128 + the signal for a killed build.
    var exitStatus: Int {
        switch ending {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        case .timedOut: 128 + Int(SIGKILL)
        case .couldNotStart: 127
        }
    }
}

/// Runs one build: `/bin/sh -c COMMAND` in the project folder, in a process group of its
/// own, stdin from `/dev/null`, stdout and stderr together to `terminal` as they come (Swell's
/// stderr: its stdout keeps the start-up contract) and into the tail the page shows.
///
/// Cancelling the calling task (Ctrl-C) or passing `timeout` ends the whole group: SIGTERM,
/// then SIGKILL 400 ms later, and a last SIGKILL to the group for any child that outlived
/// the shell, so nothing a build started is left running.
enum BuildProcess {
    /// The grace between SIGTERM and SIGKILL: short, so that Ctrl-C still exits within 2 s.
    static let termGrace: Duration = .milliseconds(400)

    /// What a build's environment gains over Swell's.
    static func environment(for settings: BuildSettings, changed: [String]) -> [Environment.Key: String?] {
        var added: [Environment.Key: String?] = ["SWELL_CHANGED": changed.joined(separator: "\n")]
        if getenv("SOURCE_DATE_EPOCH") == nil { added["SOURCE_DATE_EPOCH"] = String(settings.buildDate) }
        return added
    }

    static func run(
        _ settings: BuildSettings,
        changed: [String],
        terminal: @escaping @Sendable ([UInt8]) -> Void
    ) async -> BuildOutcome {
        let started = ContinuousClock.now
        let state = RunState()
        let ending: BuildOutcome.Ending = await withTaskGroup(of: BuildOutcome.Ending?.self) { tasks in
            tasks.addTask {
                var options = PlatformOptions()
                options.processGroupID = 0
                options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: termGrace)]
                do {
                    let result = try await Subprocess.run(
                        .path("/bin/sh"),
                        arguments: ["-c", settings.command],
                        environment: .inherit.updating(environment(for: settings, changed: changed)),
                        workingDirectory: .init(settings.projectFolder),
                        platformOptions: options,
                        input: .none,
                        output: .sequence,
                        error: .combinedWithOutput
                    ) { execution in
                        state.group.store(execution.processIdentifier.value, ordering: .relaxed)
                        for try await chunk in execution.standardOutput {
                            let bytes = chunk.withUnsafeBytes { Array($0) }
                            terminal(bytes)
                            state.tail.withLock { $0.append(bytes) }
                        }
                    }
                    switch result.terminationStatus {
                    case .exited(let code): return .exited(Int(code))
                    case .signaled(let signal): return state.timedOut.load(ordering: .relaxed) ? .timedOut : .signaled(Int(signal))
                    }
                } catch {
                    if Task.isCancelled { return state.timedOut.load(ordering: .relaxed) ? .timedOut : .signaled(Int(SIGTERM)) }
                    return .couldNotStart("\(error)")
                }
            }
            if let timeout = settings.timeout {
                tasks.addTask {
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled else { return nil }
                    state.timedOut.store(true, ordering: .relaxed)
                    return .timedOut
                }
            }
            var ending: BuildOutcome.Ending = .signaled(Int(SIGTERM))
            for await result in tasks {
                guard let result else { continue }
                ending = result
                // The build ended (stop the timer) or timed out (tear the build down).
                tasks.cancelAll()
                break
            }
            // A timed-out build's task still has to finish its teardown.
            for await _ in tasks {}
            return ending
        }
        // Whatever the shell left behind in its group goes with it (a no-op when nothing is left).
        let pgid = state.group.load(ordering: .relaxed)
        if pgid > 0 { kill(-pgid, SIGKILL) }
        return BuildOutcome(ending: ending, duration: ContinuousClock.now - started, output: state.tail.withLock { $0 })
    }
}

/// What a running build's tasks share: its process group, its output's tail, whether it timed out.
private final class RunState: Sendable {
    let group = Atomic<Int32>(0)
    let tail = Mutex(BuildOutputTail())
    let timedOut = Atomic<Bool>(false)
}

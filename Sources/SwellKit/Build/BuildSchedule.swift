/// When builds start: one at a time, at start and after source changes; changes during a
/// build queue exactly one more; and a build that keeps starting itself is stopped.
///
/// Pure state, owned by the live-reload task; tested on values.
struct BuildSchedule: Sendable, Equatable {
    /// The next step.
    enum Decision: Sendable, Equatable {
        /// Start build `run` for these changes (relative source paths, sorted).
        case start(run: Int, changes: [String])
        /// Nothing to build, or a build is running.
        case idle
        /// Three builds in a row were started only by changes made while the one before ran:
        /// most likely the build writes into its own sources. These are the paths.
        case stoppedSelfTriggering(paths: [String])
    }

    static let selfTriggerLimit = 3

    private(set) var run = 0
    private(set) var isRunning = false
    /// Source changes not yet built.
    private(set) var pending: Set<String> = []
    private var changedWhileIdle = false
    private var changedWhileRunning = false
    /// Builds in a row started only by changes made while the previous one ran.
    private var selfTriggered = 0
    /// The paths the build kept writing, from every stop so far: for as long as Swell runs,
    /// changes to only these start nothing (a build writes them again after each edit, which
    /// cost three more builds and the stop again every time); a change to any other source does.
    private var stoppedOn: Set<String> = []
    private var firstBuildDue: Bool

    /// `firstBuild`: a build is due at once, with no changes (`SWELL_CHANGED` empty).
    init(firstBuild: Bool = true) {
        firstBuildDue = firstBuild
    }

    /// A source changed just now. Noted per change, not when its batch settles: a build's last
    /// write lands as it exits, and its batch settles after the build has ended.
    mutating func sourceTouched() {
        if isRunning { changedWhileRunning = true } else { changedWhileIdle = true }
    }

    /// The settled batch of source changes (relative paths): queued for the next build.
    mutating func sourcesChanged(_ paths: some Sequence<String>) {
        pending.formUnion(paths)
    }

    /// What to do now; a `.start` marks the build as running.
    mutating func next() -> Decision {
        guard !isRunning else { return .idle }
        if firstBuildDue {
            firstBuildDue = false
            pending = []
            changedWhileIdle = false
            changedWhileRunning = false
            return start([])
        }
        guard !pending.isEmpty else { return .idle }
        let onlyFromTheBuildBefore = changedWhileRunning && !changedWhileIdle
        changedWhileIdle = false
        changedWhileRunning = false
        let changes = pending.sorted()
        pending = []
        if !stoppedOn.isEmpty, stoppedOn.isSuperset(of: changes) { return .idle }
        if onlyFromTheBuildBefore {
            guard selfTriggered < Self.selfTriggerLimit else {
                selfTriggered = 0
                stoppedOn.formUnion(changes)
                return .stoppedSelfTriggering(paths: changes)
            }
            selfTriggered += 1
        } else {
            selfTriggered = 0
        }
        return start(changes)
    }

    private mutating func start(_ changes: [String]) -> Decision {
        run += 1
        isRunning = true
        return .start(run: run, changes: changes)
    }

    /// The running build ended and its batch went out.
    mutating func finished() {
        isRunning = false
    }
}

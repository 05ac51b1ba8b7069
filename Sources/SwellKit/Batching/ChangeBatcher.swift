/// What happened to one path during a batch.
struct PathHistory: Sendable, Equatable {
    /// The first event was a create or move-in: if it is gone at flush, it was a temp file.
    var appearedDuringBatch: Bool
    var isDirectory: Bool
    /// The latest event deleted it or moved it away (a temp file after its rename, a file
    /// renamed to a backup): it does not count as a change still being written.
    var isGone: Bool

    init(appearedDuringBatch: Bool, isDirectory: Bool = false, isGone: Bool = false) {
        self.appearedDuringBatch = appearedDuringBatch
        self.isDirectory = isDirectory
        self.isGone = isGone
    }
}

/// A closed batch: each path's history, and whether the kernel lost events meanwhile.
struct RawBatch: Sendable, Equatable {
    var paths: [String: PathHistory]
    var overflowed: Bool

    init(paths: [String: PathHistory], overflowed: Bool = false) {
        self.paths = paths
        self.overflowed = overflowed
    }
}

/// Coalesces a burst of watch events into one batch: the batch closes after a quiet period
/// with no new event, and at the latest `ceiling` after the burst began, even if it goes on.
///
/// The quiet period adapts. After an event that ends a save of one file (a close after an
/// in-place write, an attribute change, a rename onto the path: `WatchEvent.settles`) only
/// `settleQuiet` is waited, since an editor's whole save spans well under a millisecond.
/// Anything else (a write still open, a create, a delete, a temp file's close before its
/// rename, changes to several files at once) waits the full `quiet` (`--wait`), the ceiling
/// on quiet for bursts. So a save reaches the browser in a few milliseconds, and a checkout
/// or a build that touches many files is still one reload.
///
/// The ceiling is fixed when the batch opens, not re-armed per event, or a steady trickle
/// of changes would hold the reload back forever. Pure state: the caller supplies `now`
/// and sleeps until `deadline`, so tests drive it with a manual clock.
struct ChangeBatcher<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    let quiet: Duration
    let settleQuiet: Duration
    let ceiling: Duration
    private(set) var paths: [String: PathHistory] = [:]
    private(set) var overflowed = false
    private var openedAt: C.Instant?
    private var lastEventAt: C.Instant?
    /// The quiet period the latest event asks for.
    private var currentQuiet: Duration

    /// `settleQuiet` defaults to 5 ms, or `quiet` if that is shorter.
    init(quiet: Duration, ceiling: Duration = .seconds(1), settleQuiet: Duration? = nil) {
        self.quiet = quiet
        self.ceiling = ceiling
        self.settleQuiet = min(settleQuiet ?? .milliseconds(5), quiet)
        currentQuiet = quiet
    }

    var isOpen: Bool { openedAt != nil }

    /// When the open batch should be flushed, or nil when none is open.
    var deadline: C.Instant? {
        guard let openedAt, let lastEventAt else { return nil }
        let quietEnd = lastEventAt.advanced(by: currentQuiet)
        let ceilingEnd = openedAt.advanced(by: ceiling)
        return quietEnd < ceilingEnd ? quietEnd : ceilingEnd
    }

    /// Adds one change; opens a batch if none is open.
    mutating func record(_ event: WatchEvent, now: C.Instant) {
        open(at: now)
        var history =
            paths[event.path] ?? PathHistory(appearedDuringBatch: event.kind == .created || event.kind == .movedTo, isDirectory: event.isDirectory)
        history.isGone = event.kind == .deleted || event.kind == .movedFrom
        paths[event.path] = history
        currentQuiet = endsASave(event) ? settleQuiet : quiet
    }

    /// The kernel lost events: the batch becomes a full reload whatever else it holds.
    mutating func recordOverflow(now: C.Instant) {
        open(at: now)
        overflowed = true
        currentQuiet = quiet
    }

    private mutating func open(at now: C.Instant) {
        if openedAt == nil { openedAt = now }
        lastEventAt = now
    }

    /// Whether `event` completes the save of a single file (see the type's documentation).
    private func endsASave(_ event: WatchEvent) -> Bool {
        guard event.settles, !event.isDirectory, !overflowed, let history = paths[event.path] else { return false }
        // A file created in this batch and closed is most likely a temp file about to be renamed.
        if history.appearedDuringBatch && event.kind != .movedTo { return false }
        // Several files still being changed: a burst (a checkout, a build), not one save.
        // Stops at the second live path: this runs for every event of a burst of any size.
        return paths.values.lazy.filter { !$0.isGone }.prefix(2).count <= 1
    }

    /// Whether the open batch is due at `now`.
    func isDue(now: C.Instant) -> Bool {
        guard let deadline else { return false }
        return now >= deadline
    }

    /// Closes the batch and returns what it collected.
    mutating func take() -> RawBatch {
        defer {
            paths = [:]
            overflowed = false
            openedAt = nil
            lastEventAt = nil
            currentQuiet = quiet
        }
        return RawBatch(paths: paths, overflowed: overflowed)
    }
}

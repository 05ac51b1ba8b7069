/// What happened to one path during a batch.
public struct PathHistory: Sendable, Equatable {
    /// The first event was a create or move-in: if it is gone at flush, it was a temp file.
    public var appearedDuringBatch: Bool
    public var isDirectory: Bool

    public init(appearedDuringBatch: Bool, isDirectory: Bool = false) {
        self.appearedDuringBatch = appearedDuringBatch
        self.isDirectory = isDirectory
    }
}

/// A closed batch: each path's history, and whether the kernel lost events meanwhile.
public struct RawBatch: Sendable, Equatable {
    public var paths: [String: PathHistory]
    public var overflowed: Bool

    public init(paths: [String: PathHistory], overflowed: Bool = false) {
        self.paths = paths
        self.overflowed = overflowed
    }
}

/// Coalesces a burst of watch events into one batch: the batch closes after `quiet` with
/// no new event, and at the latest `ceiling` after the burst began, even if it goes on.
///
/// The ceiling is fixed when the batch opens, not re-armed per event, or a steady trickle
/// of changes would hold the reload back forever. Pure state: the caller supplies `now`
/// and sleeps until `deadline`, so tests drive it with a manual clock.
public struct ChangeBatcher<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public let quiet: Duration
    public let ceiling: Duration
    public private(set) var paths: [String: PathHistory] = [:]
    public private(set) var overflowed = false
    private var openedAt: C.Instant?
    private var lastEventAt: C.Instant?

    public init(quiet: Duration, ceiling: Duration = .seconds(1)) {
        self.quiet = quiet
        self.ceiling = ceiling
    }

    public var isOpen: Bool { openedAt != nil }

    /// When the open batch should be flushed, or nil when none is open.
    public var deadline: C.Instant? {
        guard let openedAt, let lastEventAt else { return nil }
        let quietEnd = lastEventAt.advanced(by: quiet)
        let ceilingEnd = openedAt.advanced(by: ceiling)
        return quietEnd < ceilingEnd ? quietEnd : ceilingEnd
    }

    /// Adds one event; opens a batch if none is open.
    public mutating func record(_ event: WatchEvent, now: C.Instant) {
        if openedAt == nil { openedAt = now }
        lastEventAt = now
        switch event.kind {
        case .overflow:
            overflowed = true
        case .ready, .watchLimitReached:
            break
        case .created, .movedTo:
            if paths[event.path] == nil {
                paths[event.path] = PathHistory(appearedDuringBatch: true, isDirectory: event.isDirectory)
            }
        case .modified, .deleted, .movedFrom:
            if paths[event.path] == nil {
                paths[event.path] = PathHistory(appearedDuringBatch: false, isDirectory: event.isDirectory)
            }
        }
    }

    /// Whether the open batch is due at `now`.
    public func isDue(now: C.Instant) -> Bool {
        guard let deadline else { return false }
        return now >= deadline
    }

    /// Closes the batch and returns what it collected.
    public mutating func take() -> RawBatch {
        defer {
            paths = [:]
            overflowed = false
            openedAt = nil
            lastEventAt = nil
        }
        return RawBatch(paths: paths, overflowed: overflowed)
    }
}

/// One change of one path seen by a watcher, before ignoring and batching.
public struct WatchEvent: Sendable, Equatable {
    /// What happened to the path.
    public enum Kind: Sendable, Equatable {
        case created, modified, deleted, movedFrom, movedTo
    }

    /// Absolute path of what changed.
    public let path: String
    /// What happened to it.
    public let kind: Kind
    /// The path is a folder.
    public let isDirectory: Bool
    /// The event ends a write: the file was closed after writing, its attributes were set, or
    /// a file was renamed onto the path. A save that ends this way needs far less quiet
    /// than a burst still in progress (see `ChangeBatcher`).
    public let settles: Bool

    /// A change of `path`; see the properties for the rest.
    public init(path: String, kind: Kind, isDirectory: Bool = false, settles: Bool = false) {
        self.path = path
        self.kind = kind
        self.isDirectory = isDirectory
        self.settles = settles
    }
}

/// Everything a watcher reports: a change always has a path; the other cases have none.
public enum WatcherOutput: Sendable, Equatable {
    case change(WatchEvent)
    /// The kernel queue overflowed: changes were lost, so the batch must be a full reload.
    case overflow
    /// Every folder is now watched; changes made while the watch was being set up were
    /// reported before this.
    case ready
    /// The watcher cannot cover the tree (the inotify watch or instance limit): polling takes over.
    case watchLimitReached
    /// Every change made before `FileWatcher.sync(token)` was called has been reported.
    case synced(Int)
}

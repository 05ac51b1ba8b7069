#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Tells whether a path exists now; the batcher's one question to the file system.
protocol ExistenceProbe: Sendable {
    func exists(_ path: String) -> Bool
}

/// The real probe: `lstat`, so a dangling symlink still counts as present.
struct FileSystemProbe: ExistenceProbe {
    init() {}
    func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// One reconciled batch, ready to become a `reload` or `update` event.
///
/// Reconciling at flush time by asking whether each path exists now is what turns every
/// editor save style into one change of the real file: a temp file that was created and
/// renamed away is gone (dropped), the real file it was renamed onto exists (changed), a
/// backup made by renaming the real file away is ignored by name and the new real file
/// exists (changed).
public struct ChangeSet: Sendable, Equatable {
    /// URL paths under ROOT, as a browser writes them, sorted.
    public var paths: [String]
    /// Absolute paths of changes in `--watch` folders, sorted.
    public var files: [String]
    /// Whether anything was deleted (or the kernel lost events).
    public var hasDeletions: Bool

    /// What the client swaps in place rather than reloading the page for: these lists are the
    /// only ones, and `ClientScript` hands them to the browser.
    static let stylesheetExtensions: Set<String> = ["css"]
    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico"]
    static let swappableExtensions = stylesheetExtensions.union(imageExtensions)

    /// A change of `paths` (URL paths under ROOT), of `files` (absolute paths in `--watch`
    /// folders), and whether anything was deleted (which always makes it a `reload`).
    public init(paths: [String], files: [String] = [], hasDeletions: Bool = false) {
        self.paths = paths
        self.files = files
        self.hasDeletions = hasDeletions
    }

    /// `update` when every changed path is a stylesheet or an image and nothing was deleted; else `reload`.
    public var isUpdate: Bool {
        !hasDeletions && files.isEmpty && !paths.isEmpty
            && paths.allSatisfy { Self.swappableExtensions.contains(FileExtension.of($0)) }
    }

    /// Builds the set from a closed batch; nil when nothing a browser could see changed.
    static func reconcile(
        _ batch: RawBatch,
        root: String,
        probe: some ExistenceProbe
    ) -> ChangeSet? {
        var paths: Set<String> = []
        var files: Set<String> = []
        var deleted = batch.overflowed
        for (path, history) in batch.paths {
            let exists = probe.exists(path)
            if !exists && history.appearedDuringBatch { continue }
            if !exists { deleted = true }
            if path == root || path.hasPrefix(root + "/") {
                let relative = path.dropFirst(root.count).split(separator: "/").map(String.init)
                if !relative.isEmpty { paths.insert(URLPathEncoding.path(segments: relative, trailingSlash: history.isDirectory)) }
            } else {
                files.insert(path)
            }
        }
        guard !paths.isEmpty || !files.isEmpty || deleted else { return nil }
        return ChangeSet(paths: paths.sorted(), files: files.sorted(), hasDeletions: deleted)
    }
}

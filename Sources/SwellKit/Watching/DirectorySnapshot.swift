#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Every path under some roots with what tells a change: inode, size and nanosecond mtime.
/// The polling watcher diffs two of these.
struct DirectorySnapshot: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        let inode: UInt64
        let size: Int64
        let modified: Int64
        let isDirectory: Bool
    }

    private(set) var entries: [String: Entry] = [:]

    /// Walks `roots` (symlinks are not followed), skipping what `isIgnored` says.
    init(roots: [String], isIgnored: (String, Bool) -> Bool) {
        for root in roots { scan(root, isIgnored: isIgnored) }
    }

    private mutating func scan(_ folder: String, isIgnored: (String, Bool) -> Bool) {
        guard let stream = opendir(folder) else { return }
        defer { closedir(stream) }
        DirectoryEntries.forEach(in: stream) { name, descriptor in
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
            let path = folder + "/" + name
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            if isIgnored(path, isDirectory) { return }
            entries[path] = Entry(
                inode: UInt64(info.st_ino),
                size: Int64(info.st_size),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                isDirectory: isDirectory
            )
            if isDirectory { scan(path, isIgnored: isIgnored) }
        }
    }

    /// What changed from `old` to this snapshot, as watch events.
    func changes(since old: DirectorySnapshot) -> [WatchEvent] {
        var events: [WatchEvent] = []
        for (path, entry) in entries {
            guard let before = old.entries[path] else {
                events.append(WatchEvent(path: path, kind: .created, isDirectory: entry.isDirectory))
                continue
            }
            if !entry.isDirectory && before != entry {
                events.append(WatchEvent(path: path, kind: .modified))
            }
        }
        for (path, entry) in old.entries where entries[path] == nil {
            events.append(WatchEvent(path: path, kind: .deleted, isDirectory: entry.isDirectory))
        }
        return events.sorted { $0.path < $1.path }
    }
}

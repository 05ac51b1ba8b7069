#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Files that are never served or listed, whatever path or symlink reaches them: the config
/// file when it sits inside ROOT. Told apart by device and inode, read again on each check, so
/// an editor's save that replaces the file (a new inode) is hidden as well.
///
/// Only a file inside ROOT can be reached at all (a link from ROOT to outside it is refused
/// anyway), so the others are dropped here and cost the request path nothing: the common
/// layout, `swell.toml` beside `root = "public"`, checks nothing per request.
struct HiddenFiles: Sendable {
    let paths: [String]

    /// `paths` that lie inside `root`, both with every symlink resolved.
    init(paths: [String], root: String) {
        let resolvedRoot = RealPath.of(root) ?? root
        self.paths = paths.filter { RealPath.of($0)?.hasPrefix(resolvedRoot + "/") ?? false }
    }

    var isEmpty: Bool { paths.isEmpty }

    /// Whether `stamp` is one of the hidden files now.
    func hides(_ stamp: FileStamp) -> Bool {
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0, UInt64(info.st_dev) == stamp.device, UInt64(info.st_ino) == stamp.inode { return true }
        }
        return false
    }
}

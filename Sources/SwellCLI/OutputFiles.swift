import SwellKit

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` to NIO's C module,
// which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// The regular files that stdout and stderr are redirected to (`swell > swell.log 2>&1`).
/// Swell writes a line there for every event and every build; in a watched folder each of
/// those lines would be a change, and each change another line.
enum OutputFiles {
    /// Their absolute paths, symbolic links resolved; a terminal, pipe or deleted file is left out.
    static func current() -> [String] {
        var paths: [String] = []
        for descriptor in [STDOUT_FILENO, STDERR_FILENO] {
            var info = stat()
            // realpath of the descriptor's /proc link is the file's path (none once deleted).
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                let path = RealPath.of("/proc/self/fd/\(descriptor)"), !paths.contains(path)
            else { continue }
            paths.append(path)
        }
        return paths
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// A path with every symbolic link resolved (`realpath(3)`), or nil when it does not lead
/// anywhere: a missing file, a loop, a deleted file behind `/proc/self/fd/N`.
package enum RealPath {
    package static func of(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

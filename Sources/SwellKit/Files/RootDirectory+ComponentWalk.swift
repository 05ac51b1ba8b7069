#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// Opening beneath ROOT without `openat2` (kernels before 5.6, or a `RESOLVE_BENEATH` that keeps
/// failing with EAGAIN while renames race it), and the absolute-symlink check both paths share.
extension RootDirectory {
    /// `O_PATH`, which Glibc only exports under `_GNU_SOURCE`.
    private static let pathOnly: Int32 = 0o10000000

    /// An absolute symlink into ROOT: its target as a path relative to ROOT, or nil when it leaves ROOT.
    static func resolvedInside(_ handle: Handle, _ relativePath: String) -> String? {
        let resolvedPath = handle.resolvedPath
        let full = resolvedPath + "/" + relativePath
        guard let target = RealPath.of(full) else { return nil }
        if target == resolvedPath { return "." }
        guard target.hasPrefix(resolvedPath + "/") else { return nil }
        return String(target.dropFirst(resolvedPath.count + 1))
    }

    /// Pre-openat2 kernels: walk one component at a time with `O_NOFOLLOW`; a symlink is
    /// resolved with `realpath`, checked to stay inside ROOT, and walked again from ROOT.
    static func walkOpen(_ handle: Handle, _ relativePath: String, flags: Int32, hopsLeft: Int) -> Int32 {
        let descriptor = handle.descriptor
        guard hopsLeft > 0 else {
            errno = ELOOP
            return -1
        }
        let components = relativePath.split(separator: "/").filter { $0 != "." }
        var current = dup(descriptor)
        guard current >= 0 else { return -1 }
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            let next = openat(current, String(component), (isLast ? flags : Self.pathOnly | O_DIRECTORY | O_CLOEXEC) | O_NOFOLLOW)
            let openError = errno
            var linkInfo = stat()
            if next < 0, fstatat(current, String(component), &linkInfo, AT_SYMLINK_NOFOLLOW) == 0, linkInfo.st_mode & S_IFMT == S_IFLNK {
                close(current)
                let prefix = components[...index].joined(separator: "/")
                guard let inside = resolvedInside(handle, prefix) else {
                    errno = EXDEV
                    return -1
                }
                let rest = components[(index + 1)...].joined(separator: "/")
                return walkOpen(handle, rest.isEmpty ? inside : inside + "/" + rest, flags: flags, hopsLeft: hopsLeft - 1)
            }
            close(current)
            guard next >= 0 else {
                errno = openError
                return -1
            }
            current = next
        }
        if components.isEmpty {
            close(current)
            return openat(descriptor, ".", flags)
        }
        return current
    }
}

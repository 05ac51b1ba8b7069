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
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
            let count = buffer.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { readlink("/proc/self/fd/\(descriptor)", $0.baseAddress!, $0.count) }
            }
            guard count > 0 else { continue }
            let path = String(decoding: buffer[..<count], as: UTF8.self)
            if path.hasPrefix("/"), !path.hasSuffix(" (deleted)"), !paths.contains(path) { paths.append(path) }
        }
        return paths
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// The names in an open folder, without `.` and `..`: the one place that reads `dirent`.
enum DirectoryEntries {
    /// Calls `body` with each name and the folder's descriptor (for `fstatat`/`openat`).
    static func forEach(in stream: OpaquePointer, _ body: (String, Int32) -> Void) {
        let descriptor = dirfd(stream)
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            body(name, descriptor)
        }
    }
}

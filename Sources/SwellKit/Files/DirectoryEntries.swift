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

    /// `d_type` values: a folder, and "the file system does not say" (then stat it).
    static let directoryType = UInt8(DT_DIR)
    static let unknownType = UInt8(DT_UNKNOWN)

    /// Each entry's NUL-terminated name, `d_type`, inode and the folder's descriptor, without
    /// making a String of every name: for walks over whole trees, where most names are only stat'ed.
    static func forEachRaw(in stream: OpaquePointer, _ body: (UnsafePointer<CChar>, UInt8, UInt64, Int32) -> Void) {
        let descriptor = dirfd(stream)
        while let entry = readdir(stream) {
            let type = entry.pointee.d_type
            let inode = UInt64(entry.pointee.d_ino)
            withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let name = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                // Skip "." and "..".
                if name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0)) { return }
                body(name, type, inode, descriptor)
            }
        }
    }
}

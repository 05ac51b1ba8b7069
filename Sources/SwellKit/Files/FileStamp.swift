#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// One version of one file: which file (device, inode) and what state it was in (size,
/// nanosecond mtime and ctime).
///
/// Two stamps are equal only if nothing was written, truncated, renamed over, re-linked or
/// re-permissioned in between. ctime is part of it because a user cannot set it: `touch -d`
/// and `cp -p` can put mtime back, and chmod leaves mtime alone.
struct FileStamp: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    /// Nanoseconds since the epoch: two saves within one second still differ.
    let modifiedNanoseconds: Int64
    let changedNanoseconds: Int64
    let isRegular: Bool

    /// A stamp from its parts (tests, and plans made without a file).
    init(device: UInt64, inode: UInt64, size: Int, modifiedNanoseconds: Int64, changedNanoseconds: Int64, isRegular: Bool = true) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedNanoseconds = changedNanoseconds
        self.isRegular = isRegular
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        isRegular = info.st_mode & S_IFMT == S_IFREG
    }

    /// Modification time in whole seconds, for `Last-Modified`.
    var modifiedSeconds: Int64 {
        modifiedNanoseconds / 1_000_000_000
    }
}

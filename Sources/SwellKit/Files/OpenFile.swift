#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// An open descriptor under ROOT with the metadata read from that same descriptor.
///
/// Headers and body both come from this one descriptor, so a file that is replaced or
/// deleted after the open cannot make them disagree. The descriptor closes when the last
/// reference (the response body that streams it) goes away.
final class OpenFile: Sendable {
    let descriptor: Int32
    let kind: Kind
    /// What was opened, read from this descriptor; `stamp.size` bytes are announced and streamed.
    let stamp: FileStamp

    enum Kind: Sendable, Equatable {
        case regular, directory, other
    }

    private init(descriptor: Int32, info: stat) {
        self.descriptor = descriptor
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        default: kind = .other
        }
        stamp = FileStamp(info)
    }

    /// Size in bytes at open time.
    var size: Int { stamp.size }

    /// The descriptor's stamp now: equal to `stamp` while the file is untouched.
    func currentStamp() -> FileStamp? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Takes ownership of `descriptor`; on failure it is closed and errno returned.
    static func wrapping(_ descriptor: Int32) -> Result<OpenFile, SystemError> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            return .failure(SystemError(code: code))
        }
        return .success(OpenFile(descriptor: descriptor, info: info))
    }

    deinit {
        close(descriptor)
    }

    /// Modification time in whole seconds, for `Last-Modified`.
    var modifiedSeconds: Int64 { stamp.modifiedSeconds }

    /// Reads up to `count` bytes at `offset`. Returns fewer only at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if result < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SystemError(code: errno)
            }
            if result == 0 { break }
            total += result
        }
        return total
    }
}

/// A system call under ROOT failed.
struct SystemError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { String(cString: strerror(code)) }
}

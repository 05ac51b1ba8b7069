import CSwellShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// A descriptor of ROOT, and the only way the server opens anything under it.
///
/// Every open goes through `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)` relative to
/// this descriptor, and the response is then served from the descriptor that open returned:
/// there is no window between a containment check and the open for a swapped symlink to
/// slip through. A symlink whose target stays inside ROOT works; one that leaves it is
/// `.escapesRoot`. An absolute symlink that points back inside ROOT is refused by the
/// kernel (absolute paths are never "beneath"), so it is resolved once with `realpath`
/// and re-opened beneath the descriptor — still checked by the kernel.
///
/// ROOT may be deleted or renamed while Swell runs: `refresh()` notices (ROOT's path no
/// longer leads to the folder the descriptor holds), opens then fail with `.rootMissing`,
/// and when a folder is back at the path it is opened again.
final class RootDirectory: Sendable {
    /// ROOT as given, absolute.
    let path: String
    /// `false` on kernels before 5.6: opens then walk one component at a time with `O_NOFOLLOW`.
    let usesOpenat2: Bool

    /// The open folder; nil while nothing is at ROOT's path. An open in progress keeps its
    /// handle (and so its descriptor) alive even if ROOT is replaced meanwhile.
    private let current: Mutex<Handle?>

    final class Handle: Sendable {
        let descriptor: Int32
        let device: UInt64
        let inode: UInt64
        /// ROOT with every symlink resolved, for the absolute-symlink fallback.
        let resolvedPath: String

        init(descriptor: Int32, info: stat, resolvedPath: String) {
            self.descriptor = descriptor
            self.device = UInt64(info.st_dev)
            self.inode = UInt64(info.st_ino)
            self.resolvedPath = resolvedPath
        }

        deinit { close(descriptor) }

        /// The folder this descriptor holds was deleted. A folder made again at once at the
        /// same path can get the freed inode number, so the number alone cannot tell them apart.
        var isDeleted: Bool {
            var info = stat()
            return fstat(descriptor, &info) == 0 && info.st_nlink == 0
        }
    }

    /// Why an open under ROOT failed.
    enum OpenFailure: Error, Equatable {
        case notFound
        case escapesRoot
        case forbidden
        /// ROOT itself is gone (deleted or renamed) and has not come back yet.
        case rootMissing
        /// Anything else, such as running out of descriptors (EMFILE).
        case failed(Int32)
    }

    /// What `refresh()` found.
    enum Change: Sendable, Equatable {
        /// Nothing is at ROOT's path any more (or not a folder).
        case vanished
        /// A folder is at ROOT's path again (the same one moved back, or a new one); it is now served.
        case returned
    }

    /// Opens ROOT itself. Throws a `SwellError` that names the fix. `mayBeMissing` (a build's
    /// output before its first run) starts with nothing served instead of failing on a missing ROOT.
    init(path: String, forceComponentWalk: Bool = false, mayBeMissing: Bool = false) throws(SwellError) {
        self.path = path
        self.usesOpenat2 = !forceComponentWalk && swell_openat2_available() != 0
        do {
            current = Mutex(try Self.openHandle(path))
        } catch .rootMissing where mayBeMissing {
            current = Mutex(nil)
        }
    }

    /// Whether a folder is being served now.
    var isPresent: Bool { current.withLock { $0 != nil } }

    private static func openHandle(_ path: String) throws(SwellError) -> Handle {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .rootMissing(path) }
            throw .rootUnreadable(path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .rootNotAFolder(path) }
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .rootUnreadable(path, reason: String(cString: strerror(errno))) }
        // Listing ROOT is the first thing a browser asks for: refuse an unreadable ROOT now, not per request.
        guard access(path, R_OK | X_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .rootUnreadable(path, reason: reason)
        }
        // What the descriptor holds, which may differ from the path's stat if ROOT was swapped in between.
        var held = stat()
        fstat(fd, &held)
        return Handle(descriptor: fd, info: held, resolvedPath: RealPath.of(path) ?? path)
    }

    /// Compares ROOT's path with the folder being served; call it periodically (`RootMonitor`).
    /// Returns what changed since the last call, nil when nothing did.
    func refresh() -> Change? {
        var info = stat()
        let present = stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        let held = current.withLock { $0 }
        switch (held, present) {
        case (nil, false):
            return nil
        case (.some, false):
            current.withLock { $0 = nil }
            return .vanished
        case (.some(let handle), true) where handle.device == UInt64(info.st_dev) && handle.inode == UInt64(info.st_ino) && !handle.isDeleted:
            return nil
        case (_, true):
            // Back, or replaced by another folder: serve what is at the path now.
            guard let handle = try? Self.openHandle(path) else { return nil }
            current.withLock { $0 = handle }
            return .returned
        }
    }

    /// Opens `relativePath` (no `..`, as `RequestPath.relativePath` gives) for reading.
    /// FIFOs and devices are opened non-blocking so that they cannot stall a request.
    func open(_ relativePath: String) -> Result<OpenFile, OpenFailure> {
        guard let handle = current.withLock({ $0 }) else { return .failure(.rootMissing) }
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        var fd: Int32
        var code: Int32 = 0
        if usesOpenat2 {
            (fd, code) = Self.openBeneath(handle, relativePath, flags: flags)
            if fd < 0 && code == EXDEV, let inside = Self.resolvedInside(handle, relativePath) {
                (fd, code) = Self.openBeneath(handle, inside, flags: flags)
            }
        } else {
            fd = Self.walkOpen(handle, relativePath, flags: flags, hopsLeft: 40)
            code = errno
        }
        guard fd >= 0 else { return .failure(Self.failure(for: code)) }
        return OpenFile.wrapping(fd).mapError { Self.failure(for: $0.code) }
    }

    /// openat2 beneath ROOT's descriptor, and the errno when it fails.
    ///
    /// A `..` in a symlink's target makes openat2 answer EAGAIN whenever a rename anywhere on
    /// the system races the lookup (it cannot then prove that the `..` stayed beneath): an
    /// editor's atomic saves do that all the time. The kernel asks for a retry; if the race
    /// persists, the component walk, which needs no such proof, opens it instead.
    private static func openBeneath(_ handle: Handle, _ relativePath: String, flags: Int32) -> (Int32, Int32) {
        for _ in 0..<8 {
            let fd = swell_openat2_beneath(handle.descriptor, relativePath, flags)
            let code = errno
            if fd >= 0 || code != EAGAIN { return (fd, code) }
        }
        let fd = walkOpen(handle, relativePath, flags: flags, hopsLeft: 40)
        return (fd, errno)
    }

    /// The stamp of what `relativePath` names now, following symlinks, or nil.
    ///
    /// Not contained: only for checking that a file already opened through `open` (the
    /// `FileCache`) is still the same file in the same state. A path that now leads
    /// elsewhere, inside or out, names another inode and so never matches.
    func stamp(of relativePath: String) -> FileStamp? {
        guard let handle = current.withLock({ $0 }) else { return nil }
        var info = stat()
        guard fstatat(handle.descriptor, relativePath, &info, 0) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Whether `relativePath` resolves to something inside ROOT (used to hide escaping symlinks from listings).
    func staysInside(_ relativePath: String) -> Bool {
        switch open(relativePath) {
        case .success: return true
        case .failure(let failure): return failure != .escapesRoot
        }
    }

    private static func failure(for code: Int32) -> OpenFailure {
        switch code {
        case ENOENT, ENOTDIR, ENAMETOOLONG: return .notFound
        case EXDEV, ELOOP: return .escapesRoot
        case EACCES, EPERM: return .forbidden
        default: return .failed(code)
        }
    }
}

import CInotifyTools
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The sole owner of libinotifytools' C globals: one dedicated thread per process makes
/// every call, and every `InotifyWatcher` in the process registers its roots with it.
///
/// Why one thread: the library keeps its descriptor, watch tables and read buffer in C
/// statics, is not thread-safe, and returns events in static storage (copied here before
/// the next call). Why shared: the library is process-global anyway, and a user may run
/// only 128 inotify instances, so many in-process servers (tests) share one.
///
/// `inotifytools_next_event` only takes whole seconds and 0 means "forever", so the thread
/// would see a new command up to 1 s late. To wake it at once it watches a temp file that
/// was unlinked right away but stays open: touching that descriptor raises an event on the
/// thread's own watch, and nothing is left on disk.
public final class InotifyTools: Sendable {
    public static let shared = InotifyTools()

    /// One watcher's roots, its ignore test, and where its events go.
    struct Registration: Sendable {
        let id: Int
        let roots: [String]
        let isIgnored: @Sendable (String, Bool) -> Bool
        /// `isIgnored` for an entry of a folder that is not ignored (the walk).
        let isIgnoredEntry: @Sendable (String, Bool) -> Bool
        let continuation: AsyncStream<WatchEvent>.Continuation
        let watchCount: Atomic<Int>.Box
        /// Coarse realtime at registration: files changed since are reported once the watch is complete.
        let since: timespec
    }

    enum Command: Sendable {
        case watch(Registration)
        case unwatch(Int)
    }

    private let commands = Mutex<[Command]>([])
    private let running = Atomic<Bool>(false)
    private let wakeDescriptor = Atomic<Int32>(-1)
    private let nextID = Atomic<Int>(1)

    private init() {}

    func makeID() -> Int {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    func submit(_ command: Command) {
        commands.withLock { $0.append(command) }
        if running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            DedicatedThread.start(name: "swell.inotify") { [self] in
                EventThread(owner: self).run()
            }
        } else {
            let fd = wakeDescriptor.load(ordering: .acquiring)
            if fd >= 0 { futimens(fd, nil) }
        }
    }

    fileprivate func takeCommands() -> [Command] {
        commands.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }

    fileprivate func setWakeDescriptor(_ fd: Int32) {
        wakeDescriptor.store(fd, ordering: .releasing)
    }
}

extension Atomic where Value == Int {
    /// An `Atomic<Int>` shared by reference between a watcher and the event thread.
    final class Box: Sendable {
        let value = Atomic<Int>(0)
    }
}

/// Everything the event thread owns. Created on that thread and never shared.
private final class EventThread {
    let owner: InotifyTools
    var registrations: [Int: InotifyTools.Registration] = [:]
    /// Folders with a watch, without trailing slash.
    var watched: Set<String> = []
    var wakeWatch: Int32 = -1
    var pendingMoveOut: (cookie: UInt32, path: String)?
    var failed = false

    static let mask = Int32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

    init(owner: InotifyTools) {
        self.owner = owner
    }

    func run() {
        guard inotifytools_initialize() != 0 else {
            failed = true
            // The instance limit (128 per user) or no inotify at all: every watcher falls back to polling.
            while true {
                for command in owner.takeCommands() {
                    if case .watch(let registration) = command {
                        registration.continuation.yield(WatchEvent(path: "", kind: .watchLimitReached))
                        registration.continuation.finish()
                    }
                }
                DedicatedThread.sleep(.milliseconds(200))
            }
        }
        setUpWake()
        while true {
            for command in owner.takeCommands() { apply(command) }
            guard let event = inotifytools_next_event(1) else {
                finishPendingMoveOut()
                continue
            }
            // The event lives in the library's static buffer: copy it before anything else.
            let wd = event.pointee.wd
            let mask = event.pointee.mask
            let cookie = event.pointee.cookie
            let name =
                event.pointee.len > 0
                ? String(cString: (UnsafeRawPointer(event) + MemoryLayout<inotify_event>.size).assumingMemoryBound(to: CChar.self)) : ""
            handle(wd: wd, mask: mask, cookie: cookie, name: name)
        }
    }

    private func setUpWake() {
        var template = Array("/tmp/swell-wake-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let path = String(cString: template)
        if inotifytools_watch_file(path, Int32(IN_ATTRIB)) != 0 {
            wakeWatch = Int32(inotifytools_wd_from_filename(path))
        }
        unlink(path)
        owner.setWakeDescriptor(fd)
    }

    private func apply(_ command: InotifyTools.Command) {
        switch command {
        case .watch(let registration):
            registrations[registration.id] = registration
            var ok = true
            for root in registration.roots where ok {
                ok = walk(root, registration, reportFilesAsCreated: false, since: registration.since)
            }
            updateCount(registration)
            registration.continuation.yield(WatchEvent(path: "", kind: ok ? .ready : .watchLimitReached))
        case .unwatch(let id):
            guard let registration = registrations.removeValue(forKey: id) else { return }
            registration.continuation.finish()
            for folder in watched where !registrations.values.contains(where: { Self.covers($0, folder) }) {
                // A folder already gone took its watch with it; removing it again only makes the library print an error.
                if access(folder, F_OK) == 0 { inotifytools_remove_watch_by_filename(folder + "/") }
                watched.remove(folder)
            }
        }
    }

    private func handle(wd: Int32, mask: UInt32, cookie: UInt32, name: String) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were lost: every watcher reloads, and folders created meanwhile get watched.
            for registration in registrations.values {
                registration.continuation.yield(WatchEvent(path: "", kind: .overflow))
                for root in registration.roots { _ = walk(root, registration, reportFilesAsCreated: false, since: nil) }
                updateCount(registration)
            }
            return
        }
        if wd == wakeWatch { return }
        if mask & UInt32(IN_IGNORED) != 0 {
            // The kernel dropped this watch (its folder was deleted, or ROOT itself went): forget
            // it, so that nothing later tries to remove a watch that no longer exists.
            if let name = inotifytools_filename_from_wd(wd) {
                var folder = String(cString: name)
                if folder.hasSuffix("/") { folder.removeLast() }
                watched.remove(folder)
            }
            return
        }
        guard let folderName = inotifytools_filename_from_wd(wd) else { return }
        var folder = String(cString: folderName)
        if folder.hasSuffix("/") { folder.removeLast() }
        let path = name.isEmpty ? folder : folder + "/" + name
        let isDirectory = mask & UInt32(IN_ISDIR) != 0

        if let pending = pendingMoveOut, !(mask & UInt32(IN_MOVED_TO) != 0 && cookie == pending.cookie) {
            finishPendingMoveOut()
        }
        // A watch whose folder was dropped (moved out, deleted) may still have events queued
        // under its old name: they describe nothing under any root any more.
        guard watched.contains(folder) else { return }

        let kind: WatchEvent.Kind
        if mask & UInt32(IN_CREATE) != 0 {
            kind = .created
        } else if mask & UInt32(IN_DELETE) != 0 {
            kind = .deleted
        } else if mask & UInt32(IN_MOVED_FROM) != 0 {
            kind = .movedFrom
        } else if mask & UInt32(IN_MOVED_TO) != 0 {
            kind = .movedTo
        } else if mask & UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB) != 0 {
            kind = .modified
        } else {
            return
        }
        let settles = mask & UInt32(IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_TO) != 0
        let event = WatchEvent(path: path, kind: kind, isDirectory: isDirectory, settles: settles)
        let interested = registrations.values.filter { Self.covers($0, path) && !$0.isIgnored(path, isDirectory) }
        for registration in interested { registration.continuation.yield(event) }

        guard isDirectory else { return }
        switch kind {
        case .created:
            // Always re-watch: after `rm -rf dir` the library still lists `dir/`, so a name check would miss it.
            for registration in interested {
                _ = walk(path, registration, reportFilesAsCreated: true, since: nil)
                updateCount(registration)
            }
        case .movedFrom:
            pendingMoveOut = (cookie, path)
        case .movedTo:
            if let pending = pendingMoveOut, pending.cookie == cookie {
                pendingMoveOut = nil
                inotifytools_replace_filename(pending.path + "/", path + "/")
                let moved = watched.filter { $0 == pending.path || $0.hasPrefix(pending.path + "/") }
                for old in moved {
                    watched.remove(old)
                    watched.insert(path + old.dropFirst(pending.path.count))
                }
            }
            for registration in interested {
                _ = walk(path, registration, reportFilesAsCreated: true, since: nil)
                updateCount(registration)
            }
        case .deleted:
            dropWatches(under: path)
        default:
            break
        }
    }

    /// A folder moved out of every watched tree keeps reporting through its subfolders'
    /// watches under stale names unless they are removed.
    private func finishPendingMoveOut() {
        guard let pending = pendingMoveOut else { return }
        pendingMoveOut = nil
        dropWatches(under: pending.path)
        for registration in registrations.values { updateCount(registration) }
    }

    private func dropWatches(under path: String) {
        for folder in watched where folder == path || folder.hasPrefix(path + "/") {
            inotifytools_remove_watch_by_filename(folder + "/")
            watched.remove(folder)
        }
    }

    /// Watches `folder` and every folder below it that is not ignored. Returns false when
    /// the watch limit stopped it (the registration has been told).
    private func walk(_ folder: String, _ registration: InotifyTools.Registration, reportFilesAsCreated: Bool, since: timespec?) -> Bool {
        if inotifytools_watch_file(folder + "/", Self.mask) == 0 {
            let error = inotifytools_error()
            if error == ENOSPC {
                registration.continuation.yield(WatchEvent(path: "", kind: .watchLimitReached))
                return false
            }
            return true  // vanished meanwhile, or unreadable: nothing to watch
        }
        watched.insert(folder)
        guard let stream = opendir(folder) else { return true }
        defer { closedir(stream) }
        var complete = true
        DirectoryEntries.forEachRaw(in: stream) { name, type, descriptor in
            guard complete else { return }
            // d_type spares a stat per entry; files are stat'ed only on the first walk, to find
            // saves made while it ran.
            var isDirectory = type == DirectoryEntries.directoryType
            let checksTimes = since != nil && !reportFilesAsCreated && !isDirectory
            var info = stat()
            if checksTimes || type == DirectoryEntries.unknownType {
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
            }
            // Ignore rules are matched, and paths built, only for what is walked or reported: on a
            // large tree they cost more than the walk itself, and most files are neither.
            if isDirectory {
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, true) { return }
                if reportFilesAsCreated { registration.continuation.yield(WatchEvent(path: path, kind: .created, isDirectory: true)) }
                complete = walk(path, registration, reportFilesAsCreated: reportFilesAsCreated, since: since)
            } else if reportFilesAsCreated {
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, false) { return }
                registration.continuation.yield(WatchEvent(path: path, kind: .created))
            } else if checksTimes, let since, Self.isAtOrAfter(info.st_ctim, since) || Self.isAtOrAfter(info.st_mtim, since) {
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, false) { return }
                registration.continuation.yield(WatchEvent(path: path, kind: .modified))
            }
        }
        return complete
    }

    private func updateCount(_ registration: InotifyTools.Registration) {
        let count = watched.reduce(0) { $0 + (Self.covers(registration, $1) ? 1 : 0) }
        registration.watchCount.value.store(count, ordering: .relaxed)
    }

    private static func covers(_ registration: InotifyTools.Registration, _ path: String) -> Bool {
        registration.roots.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    private static func isAtOrAfter(_ time: timespec, _ reference: timespec) -> Bool {
        time.tv_sec > reference.tv_sec || (time.tv_sec == reference.tv_sec && time.tv_nsec >= reference.tv_nsec)
    }
}

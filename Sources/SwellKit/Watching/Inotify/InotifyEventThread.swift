import CInotifyTools
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the event thread owns. Created on that thread and never shared.
final class InotifyEventThread {
    let owner: InotifyTools
    var registrations: [Int: InotifyTools.Registration] = [:]
    /// Folders with a watch, without trailing slash, and the watch descriptor each has now.
    /// A folder deleted and made again at once gets a new descriptor: the old one's late
    /// `IN_IGNORED` and events must not touch the new watch.
    var watched: [String: WatchedFolder] = [:]
    var wakeWatch: Int32 = -1
    var pendingMoveOut: (cookie: UInt32, path: String)?
    var failed = false
    /// Syncs asked for since the last barrier write, and those that write answers.
    var syncsWaiting: [(registration: Int, token: Int)] = []
    var syncsInFlight: [(registration: Int, token: Int)] = []

    /// One watched folder: its watch descriptor and the inode it was made for.
    struct WatchedFolder {
        let descriptor: Int32
        let inode: UInt64
    }

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
                        registration.sink(.watchLimitReached)
                    }
                    if case .sync(let id, let token) = command { registrations[id]?.sink(.synced(token)) }
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
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if inotifytools_watch_file(path, Int32(IN_ATTRIB | IN_MODIFY)) != 0 {
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
                ok = walk(root, registration, reportFilesAsCreated: false)
            }
            updateCount(registration)
            registration.sink(ok ? .ready : .watchLimitReached)
            if ok { reportSavesDuringSetUp(registration) }
        case .sync(let id, let token):
            syncsWaiting.append((id, token))
            writeBarrierIfIdle()
        case .unwatch(let id):
            guard registrations.removeValue(forKey: id) != nil else { return }
            for folder in watched.keys where !registrations.values.contains(where: { Self.covers($0, folder) }) {
                // A folder already gone took its watch with it; removing it again only makes the library print an error.
                if access(folder, F_OK) == 0 { inotifytools_remove_watch_by_filename(folder + "/") }
                watched[folder] = nil
            }
        }
    }

    private func handle(wd: Int32, mask: UInt32, cookie: UInt32, name: String) {
        if InotifyMask.isOverflow(mask) {
            // Events were lost: every watcher reloads, and folders created meanwhile get watched.
            for registration in registrations.values {
                registration.sink(.overflow)
                for root in registration.roots { _ = walk(root, registration, reportFilesAsCreated: false) }
                updateCount(registration)
            }
            return
        }
        if wd == wakeWatch {
            if mask & UInt32(IN_MODIFY) != 0 { answerSyncs() }
            return
        }
        if InotifyMask.isIgnored(mask) {
            // The kernel dropped this watch (its folder was deleted, or ROOT itself went): forget
            // it, so that nothing later tries to remove a watch that no longer exists.
            if let name = inotifytools_filename_from_wd(wd) {
                var folder = String(cString: name)
                if folder.hasSuffix("/") { folder.removeLast() }
                if watched[folder]?.descriptor == wd { watched[folder] = nil }
            }
            return
        }
        guard let folderName = inotifytools_filename_from_wd(wd) else { return }
        var folder = String(cString: folderName)
        if folder.hasSuffix("/") { folder.removeLast() }
        let path = name.isEmpty ? folder : folder + "/" + name

        if let pending = pendingMoveOut, !(mask & UInt32(IN_MOVED_TO) != 0 && cookie == pending.cookie) {
            finishPendingMoveOut()
        }
        // A watch whose folder was dropped (moved out, deleted) may still have events queued
        // under its old name: they describe nothing under any root any more.
        guard watched[folder]?.descriptor == wd, let (kind, isDirectory, settles) = InotifyMask.change(mask) else { return }

        let event = WatchEvent(path: path, kind: kind, isDirectory: isDirectory, settles: settles)
        let interested = registrations.values.filter { Self.covers($0, path) && !$0.isIgnored(path, isDirectory) }
        for registration in interested { registration.sink(.change(event)) }

        guard isDirectory else { return }
        switch kind {
        case .created:
            // Always re-watch: after `rm -rf dir` the library still lists `dir/`, so a name check would miss it.
            for registration in interested {
                _ = walk(path, registration, reportFilesAsCreated: true)
                updateCount(registration)
            }
        case .movedFrom:
            pendingMoveOut = (cookie, path)
        case .movedTo:
            if let pending = pendingMoveOut, pending.cookie == cookie {
                pendingMoveOut = nil
                inotifytools_replace_filename(pending.path + "/", path + "/")
                let moved = watched.filter { $0.key == pending.path || $0.key.hasPrefix(pending.path + "/") }
                for (old, record) in moved {
                    watched[old] = nil
                    watched[path + old.dropFirst(pending.path.count)] = record
                }
            }
            for registration in interested {
                _ = walk(path, registration, reportFilesAsCreated: true)
                updateCount(registration)
            }
        case .deleted:
            dropWatches(under: path)
        default:
            break
        }
    }

    /// One barrier write at a time: its `MODIFY` comes after every event queued before it.
    /// Without a wake file there is no barrier, and syncs are answered at once.
    private func writeBarrierIfIdle() {
        guard syncsInFlight.isEmpty, !syncsWaiting.isEmpty else { return }
        syncsInFlight = syncsWaiting
        syncsWaiting = []
        var byte: UInt8 = 0
        let fd = owner.wakeFileDescriptor
        if wakeWatch < 0 || fd < 0 || pwrite(fd, &byte, 1, 0) != 1 { answerSyncs() }
    }

    private func answerSyncs() {
        let answered = syncsInFlight
        syncsInFlight = []
        for (id, token) in answered { registrations[id]?.sink(.synced(token)) }
        writeBarrierIfIdle()
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
        for folder in watched.keys where folder == path || folder.hasPrefix(path + "/") {
            inotifytools_remove_watch_by_filename(folder + "/")
            watched[folder] = nil
        }
    }

    func updateCount(_ registration: InotifyTools.Registration) {
        let count = watched.keys.reduce(0) { $0 + (Self.covers(registration, $1) ? 1 : 0) }
        registration.watchCount.value.store(count, ordering: .relaxed)
    }

    static func covers(_ registration: InotifyTools.Registration, _ path: String) -> Bool {
        registration.roots.contains { path == $0 || path.hasPrefix($0 + "/") }
    }
}

import CInotifyTools

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

extension InotifyEventThread {
    /// Watches `folder` and every folder below it that is not ignored. Returns false when
    /// the watch limit stopped it (the registration has been told). `inode` is the folder's
    /// when the caller read it from its parent's entry (the walk's own recursion), which spares
    /// a stat per folder of a large tree. Files are not stat'ed: d_type tells folders apart,
    /// and saves made while the first walk ran are found afterwards (`reportSavesDuringSetUp`).
    func walk(
        _ folder: String,
        _ registration: InotifyTools.Registration,
        reportFilesAsCreated: Bool,
        inode known: UInt64? = nil
    ) -> Bool {
        var info = stat()
        let inode: UInt64
        if let known {
            inode = known
        } else {
            guard stat(folder, &info) == 0 else { return true }  // vanished meanwhile: nothing to watch
            inode = UInt64(info.st_ino)
        }
        releaseStaleName(folder, inode: inode)
        if inotifytools_watch_file(folder + "/", InotifyMask.watched) == 0 {
            let error = inotifytools_error()
            if error == ENOSPC {
                registration.sink(.watchLimitReached)
                return false
            }
            return true  // vanished meanwhile, or unreadable: nothing to watch
        }
        watched[folder] = WatchedFolder(descriptor: Int32(inotifytools_wd_from_filename(folder + "/")), inode: inode)
        guard let stream = opendir(folder) else { return true }
        defer { closedir(stream) }
        var complete = true
        DirectoryEntries.forEachRaw(in: stream) { name, type, entryInode, descriptor in
            guard complete else { return }
            // d_type spares a stat per entry.
            var isDirectory = type == DirectoryEntries.directoryType
            if type == DirectoryEntries.unknownType {
                var info = stat()
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
            }
            // Ignore rules are matched, and paths built, only for what is walked or reported: on a
            // large tree they cost more than the walk itself, and most files are neither.
            if isDirectory {
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, true) { return }
                if reportFilesAsCreated { registration.sink(.change(WatchEvent(path: path, kind: .created, isDirectory: true))) }
                complete = walk(path, registration, reportFilesAsCreated: reportFilesAsCreated, inode: entryInode)
            } else if reportFilesAsCreated {
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, false) { return }
                registration.sink(.change(WatchEvent(path: path, kind: .created)))
            }
        }
        return complete
    }

    /// Reports the files of the registration's folders changed since it was made: saved
    /// while the first walk ran, before their folder's watch existed. Run once the watch is
    /// complete (and reported ready: from then on every save has its event), so that a large
    /// tree is watched sooner; each folder's files are stat'ed beneath its descriptor.
    func reportSavesDuringSetUp(_ registration: InotifyTools.Registration) {
        let since = registration.since
        for folder in watched.keys where Self.covers(registration, folder) {
            guard let stream = opendir(folder) else { continue }
            defer { closedir(stream) }
            DirectoryEntries.forEachRaw(in: stream) { name, type, _, descriptor in
                guard type != DirectoryEntries.directoryType else { return }
                var info = stat()
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT != S_IFDIR,
                    Self.isAtOrAfter(info.st_ctim, since) || Self.isAtOrAfter(info.st_mtim, since)
                else { return }
                let path = folder + "/" + String(cString: name)
                if registration.isIgnoredEntry(path, false) { return }
                registration.sink(.change(WatchEvent(path: path, kind: .modified)))
            }
        }
    }

    /// The library files each watch under its folder's name and keeps a deleted folder's
    /// entry until the kernel's `IN_IGNORED` is read, which may come after the folder was made
    /// again: a new watch under that name would then not be filed at all, and the new folder's
    /// events would look like the dead one's. So a name held by a watch Swell does not know
    /// for this inode is renamed out of the way first.
    private func releaseStaleName(_ folder: String, inode: UInt64) {
        let held = inotifytools_wd_from_filename(folder + "/")
        guard held > 0 else { return }
        if let known = watched[folder], known.descriptor == held, known.inode == inode { return }
        inotifytools_set_filename_by_wd(held, "//swell-dropped-watch-\(held)/")
        if watched[folder]?.descriptor == held { watched[folder] = nil }
    }

    static func isAtOrAfter(_ time: timespec, _ reference: timespec) -> Bool {
        time.tv_sec > reference.tv_sec || (time.tv_sec == reference.tv_sec && time.tv_nsec >= reference.tv_nsec)
    }
}

import CInotifyTools

#if canImport(Glibc)
    import Glibc
#endif

/// What one inotify mask means to Swell: which change, of a folder or not, and whether it
/// ends a write. Pure, so the whole table is tested without a kernel.
enum InotifyMask {
    /// What every folder is watched for.
    static let watched = Int32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

    /// The change a mask reports, or nil for masks that are no change of a path (open, access,
    /// close without a write, and the watch-level bits handled before this).
    static func change(_ mask: UInt32) -> (kind: WatchEvent.Kind, isDirectory: Bool, settles: Bool)? {
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
            return nil
        }
        let settles = mask & UInt32(IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_TO) != 0
        return (kind, mask & UInt32(IN_ISDIR) != 0, settles)
    }

    static func isOverflow(_ mask: UInt32) -> Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
    /// The kernel dropped the watch (its folder was deleted or unmounted).
    static func isIgnored(_ mask: UInt32) -> Bool { mask & UInt32(IN_IGNORED) != 0 }
}

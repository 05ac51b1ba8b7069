import CInotifyTools

/// The sole owner of libinotifytools' C globals.
///
/// The library keeps its descriptor, watch tables and read buffer in C statics and is not
/// thread-safe, so the watcher makes every call from one dedicated thread. Until the
/// watcher lands, this only proves the library is linked and answering.
public enum InotifyTools {
    /// The library's last error number (0 when none): a call that needs no inotify instance.
    public static func lastError() -> Int32 {
        inotifytools_error()
    }
}

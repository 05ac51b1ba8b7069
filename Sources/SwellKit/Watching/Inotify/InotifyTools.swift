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
/// thread's own watch, and nothing is left on disk. The same file is the sync barrier: the
/// thread itself writes to it (a `MODIFY`, where wakes are `ATTRIB`s), and since one inotify
/// queue is read in order, every change made before that write has been read once its event is.
final class InotifyTools: Sendable {
    static let shared = InotifyTools()

    /// One watcher's roots, its ignore test, and where its events go.
    struct Registration: Sendable {
        let id: Int
        let roots: [String]
        let isIgnored: @Sendable (String, Bool) -> Bool
        /// `isIgnored` for an entry of a folder that is not ignored (the walk).
        let isIgnoredEntry: @Sendable (String, Bool) -> Bool
        let sink: @Sendable (WatcherOutput) -> Void
        let watchCount: Atomic<Int>.Box
        /// Coarse realtime at registration: files changed since are reported once the watch is complete.
        let since: timespec
    }

    enum Command: Sendable {
        case watch(Registration)
        case unwatch(Int)
        /// Answer `.synced(token)` to the registration once the kernel queue is read up to now.
        case sync(Int, token: Int)
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
                InotifyEventThread(owner: self).run()
            }
        } else {
            let fd = wakeDescriptor.load(ordering: .acquiring)
            if fd >= 0 { futimens(fd, nil) }
        }
    }

    func takeCommands() -> [Command] {
        commands.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }

    /// The wake file's descriptor, for the thread's own sync writes; -1 without one.
    var wakeFileDescriptor: Int32 { wakeDescriptor.load(ordering: .acquiring) }

    func setWakeDescriptor(_ fd: Int32) {
        wakeDescriptor.store(fd, ordering: .releasing)
    }
}

extension Atomic where Value == Int {
    /// An `Atomic<Int>` shared by reference between a watcher and the event thread.
    final class Box: Sendable {
        let value = Atomic<Int>(0)
    }
}

import CSwellShims

#if canImport(Glibc)
    import Glibc
#endif

/// A named OS thread for work that blocks for its whole life (an inotify read loop, a
/// polling scan, waiting on a child process): never a thread of the concurrency or NIO pools.
///
/// Written on pthreads rather than Foundation's `Thread` so that the binary does not load
/// Foundation and its ICU data, about 8 MB of resident memory for one class.
enum DedicatedThread {
    /// Starts `body` on a new detached thread named `name` (`top -H` shows its first 15 bytes).
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
                swell_set_thread_name(body.name)
                body.run()
                return nil
            },
            box
        )
        // Out of threads at start-up: nothing sensible can go on without the watcher.
        precondition(result == 0, "could not start the \(name) thread: \(String(cString: strerror(result)))")
        pthread_detach(thread)
    }

    /// Sleeps the calling (dedicated) thread, in steps that `usleep` takes on every libc.
    static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var left = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        while left > 0 {
            let step = min(left, 500_000)
            usleep(useconds_t(step))
            left -= step
        }
    }

    private final class Body: Sendable {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }
}

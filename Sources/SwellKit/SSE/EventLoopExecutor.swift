import NIOCore

/// Runs a task's jobs on one NIO event loop.
///
/// An event stream's task is resumed by every publish and then writes to its connection,
/// which belongs to an event loop. On Swift's cooperative pool each event costs two hops
/// (to the pool to resume, then to the loop to write); preferring the connection's own loop
/// makes it one, and the write then goes straight into the channel.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

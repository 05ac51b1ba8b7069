import NIOCore
import NIOPosix
import Testing

@testable import SwellKit

@Suite struct EventLoopExecutorTests {
    /// An event stream's task resumes on its connection's loop, so its write needs no second hop.
    @Test func aTaskThatPrefersTheExecutorRunsOnTheEventLoopAfterEverySuspension() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let onLoop = await withTaskExecutorPreference(EventLoopExecutor(loop)) {
            var seen: [Bool] = [loop.inEventLoop]
            // A continuation always suspends; resumed from another thread, as a publish resumes a stream.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Task.detached { continuation.resume() }
            }
            seen.append(loop.inEventLoop)
            return seen
        }
        #expect(onLoop == [true, true])
        #expect(await Task.detached { loop.inEventLoop }.value == false)
    }
}

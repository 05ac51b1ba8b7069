import NIOCore
import NIOPosix
import Testing

@testable import SwellKit

@Suite struct EventLoopExecutorTests {
    /// An event stream's task resumes on its connection's loop, so its write needs no second hop.
    @Test func aTaskThatPrefersTheExecutorRunsOnTheEventLoopAfterEverySuspension() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let queue = ClientQueue(id: 1)
        let onLoop = await withTaskExecutorPreference(EventLoopExecutor(loop)) {
            var seen: [Bool] = [loop.inEventLoop]
            // Resumed by a push from another thread, as a publish does (the pause lets `next` wait first).
            Task.detached {
                try? await Task.sleep(for: .milliseconds(20))
                queue.push(LiveEvent.catchUp(id: EventID(instance: "a", sequence: 1)))
            }
            _ = await queue.next()
            seen.append(loop.inEventLoop)
            return seen
        }
        #expect(onLoop == [true, true])
        #expect(await Task.detached { loop.inEventLoop }.value == false)
    }
}

import Testing

@testable import SwellKit

/// Time is passed in by hand: no test here sleeps.
@Suite struct ChangeBatcherTests {
    let t0 = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant {
        t0.advanced(by: .milliseconds(milliseconds))
    }

    @Test func aBurstBecomesOneBatchAfterTheQuietPeriod() {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        batcher.record(WatchEvent(path: "/r/a.html", kind: .modified), now: at(0))
        batcher.record(WatchEvent(path: "/r/b.html", kind: .modified), now: at(10))
        #expect(batcher.deadline == at(60))
        #expect(!batcher.isDue(now: at(59)))
        #expect(batcher.isDue(now: at(60)))
        let batch = batcher.take()
        #expect(Set(batch.paths.keys) == ["/r/a.html", "/r/b.html"])
        #expect(!batcher.isOpen)
        #expect(batcher.deadline == nil)
    }

    @Test func theCeilingIsFixedWhenTheBatchOpens() {
        // One event every 40 ms for 3 s with a 50 ms quiet period: the quiet period never
        // passes, so only the ceiling, set at the first event, can flush at 1 s.
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        var flushes: [Int] = []
        for tick in stride(from: 0, through: 3000, by: 40) {
            if batcher.isDue(now: at(tick)) {
                flushes.append(tick)
                _ = batcher.take()
            }
            batcher.record(WatchEvent(path: "/r/log.txt", kind: .modified), now: at(tick))
        }
        #expect(flushes == [1000, 2000, 3000])
    }

    @Test func firstEventDecidesWhetherAPathAppearedDuringTheBatch() {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        batcher.record(WatchEvent(path: "/r/tmp", kind: .created), now: at(0))
        batcher.record(WatchEvent(path: "/r/tmp", kind: .modified), now: at(1))
        batcher.record(WatchEvent(path: "/r/real", kind: .modified), now: at(1))
        batcher.record(WatchEvent(path: "/r/real", kind: .movedTo), now: at(2))
        let batch = batcher.take()
        #expect(batch.paths["/r/tmp"]?.appearedDuringBatch == true)
        #expect(batch.paths["/r/real"]?.appearedDuringBatch == false)
    }

    @Test func overflowIsRemembered() {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        batcher.record(WatchEvent(path: "", kind: .overflow), now: at(0))
        #expect(batcher.take().overflowed)
    }
}

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
        batcher.recordOverflow(now: at(0))
        #expect(batcher.take().overflowed)
    }

    // MARK: The adaptive quiet period, on the event sequences editors produce

    func event(_ path: String, _ kind: WatchEvent.Kind, settles: Bool = false) -> WatchEvent {
        WatchEvent(path: "/r/" + path, kind: kind, settles: settles)
    }

    /// Feeds `events` 0.1 ms apart and returns the deadline, in ms after the first event.
    func deadlineAfter(_ events: [WatchEvent]) -> Double? {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        for (index, event) in events.enumerated() { batcher.record(event, now: t0.advanced(by: .microseconds(100 * index))) }
        guard let deadline = batcher.deadline else { return nil }
        let offset = (deadline - t0).components
        return Double(offset.seconds) * 1000 + Double(offset.attoseconds) / 1e15
    }

    @Test func anInPlaceSaveFlushesFiveMillisecondsAfterTheClose() {
        let deadline = deadlineAfter([event("a.html", .modified), event("a.html", .modified, settles: true)])
        #expect(deadline == 5.1)
    }

    @Test func anAtomicSaveWaitsForTheRenameThenFlushesFast() {
        let upToTheClose = [event("a.html.tmp", .created), event("a.html.tmp", .modified), event("a.html.tmp", .modified, settles: true)]
        // The temp file's close alone is no save: the full quiet period stands.
        #expect(deadlineAfter(upToTheClose) == 50.2)
        let whole = upToTheClose + [event("a.html.tmp", .movedFrom), event("a.html", .movedTo, settles: true)]
        #expect(deadlineAfter(whole) == 5.4)
    }

    @Test func aBackupThenWriteSaveFlushesFastAfterTheNewFileCloses() {
        // The backup (a.html~) is ignored before it reaches the batcher.
        let events = [
            event("a.html", .movedFrom), event("a.html", .created), event("a.html", .modified), event("a.html", .modified, settles: true),
        ]
        #expect(deadlineAfter(events) == 5.3)
    }

    @Test func aTouchFlushesFast() {
        #expect(deadlineAfter([event("a.css", .modified, settles: true)]) == 5)
    }

    @Test func aNewFileWaitsTheFullQuietPeriod() {
        #expect(deadlineAfter([event("new.html", .created), event("new.html", .modified, settles: true)]) == 50.1)
    }

    @Test func changesToSeveralFilesWaitTheFullQuietPeriod() {
        // A checkout or a build: each file closes, but the burst is still going.
        let events = [event("a.html", .modified, settles: true), event("b.css", .modified, settles: true)]
        #expect(deadlineAfter(events) == 50.1)
    }

    @Test func aWriteStillOpenWaitsTheFullQuietPeriod() {
        #expect(deadlineAfter([event("a.html", .modified, settles: true), event("a.html", .modified)]) == 50.1)
    }

    @Test func theShortQuietNeverExceedsWait() {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(2))
        batcher.record(event("a.html", .created), now: at(0))
        #expect(batcher.settleQuiet == .milliseconds(2))
        #expect(batcher.deadline == at(2))
    }
}

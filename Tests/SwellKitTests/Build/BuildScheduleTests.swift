import Testing

@testable import SwellKit

/// When builds start, on values: one at a time, one follow-up, and the self-trigger stop.
@Suite struct BuildScheduleTests {
    /// A change made now whose batch settles at once.
    func touch(_ schedule: inout BuildSchedule, _ paths: [String]) {
        schedule.sourceTouched()
        schedule.sourcesChanged(paths)
    }

    @Test func theFirstBuildStartsAtOnceWithNoChanges() {
        var schedule = BuildSchedule()
        #expect(schedule.next() == .start(run: 1, changes: []))
        #expect(schedule.next() == .idle, "builds never overlap")
    }

    @Test func anyNumberOfChangesDuringABuildCostOneFollowUp() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        for name in ["a", "b", "c", "a"] { touch(&schedule, [name]) }
        #expect(schedule.next() == .idle)
        schedule.finished()
        #expect(schedule.next() == .start(run: 2, changes: ["a", "b", "c"]))
        schedule.finished()
        #expect(schedule.next() == .idle)
    }

    @Test func threeBuildsInARowStartedByTheBuildBeforeStopTheFourth() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        for run in 2...4 {
            touch(&schedule, ["cache/x"])
            schedule.finished()
            #expect(schedule.next() == .start(run: run, changes: ["cache/x"]))
        }
        touch(&schedule, ["cache/x"])
        schedule.finished()
        #expect(schedule.next() == .stoppedSelfTriggering(paths: ["cache/x"]))
        // The last build's own write, seen only after it ended, starts nothing.
        touch(&schedule, ["cache/x"])
        #expect(schedule.next() == .idle)
        // A change to another source starts builds again.
        touch(&schedule, ["page.md"])
        #expect(schedule.next() == .start(run: 5, changes: ["page.md"]))
        // That build writes its cache again: remembered, it starts nothing this time.
        touch(&schedule, ["cache/x"])
        schedule.finished()
        #expect(schedule.next() == .idle)
        // A change to a source together with the cache builds, once.
        touch(&schedule, ["cache/x", "page.md"])
        #expect(schedule.next() == .start(run: 6, changes: ["cache/x", "page.md"]))
        schedule.finished()
        #expect(schedule.next() == .idle)
    }

    @Test func aChangeWhileIdleResetsTheSelfTriggerCount() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        touch(&schedule, ["x"])
        schedule.finished()
        _ = schedule.next()
        schedule.finished()
        touch(&schedule, ["y"])
        #expect(schedule.next() == .start(run: 3, changes: ["y"]))
        for run in 4...6 {
            touch(&schedule, ["z"])
            schedule.finished()
            #expect(schedule.next() == .start(run: run, changes: ["z"]))
        }
    }

    @Test func aBuildsLastWriteThatSettlesAfterItEndedStillCountsAsTheBuilds() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        for run in 2...4 {
            // Written while the build ran; its batch settles once the build has ended.
            schedule.sourceTouched()
            schedule.finished()
            schedule.sourcesChanged(["generated.txt"])
            #expect(schedule.next() == .start(run: run, changes: ["generated.txt"]))
        }
        schedule.sourceTouched()
        schedule.finished()
        schedule.sourcesChanged(["generated.txt"])
        #expect(schedule.next() == .stoppedSelfTriggering(paths: ["generated.txt"]))
    }
}

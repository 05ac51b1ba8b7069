import Testing

@testable import SwellKit

/// When builds start, on values: one at a time, one follow-up, and the self-trigger stop.
@Suite struct BuildScheduleTests {
    @Test func theFirstBuildStartsAtOnceWithNoChanges() {
        var schedule = BuildSchedule()
        #expect(schedule.next() == .start(run: 1, changes: []))
        #expect(schedule.next() == .idle, "builds never overlap")
    }

    @Test func anyNumberOfChangesDuringABuildCostOneFollowUp() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        for name in ["a", "b", "c", "a"] { schedule.sourcesChanged([name]) }
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
            schedule.sourcesChanged(["cache/x"])
            schedule.finished()
            #expect(schedule.next() == .start(run: run, changes: ["cache/x"]))
        }
        schedule.sourcesChanged(["cache/x"])
        schedule.finished()
        #expect(schedule.next() == .stoppedSelfTriggering(paths: ["cache/x"]))
        // A change made while idle starts builds again.
        schedule.sourcesChanged(["page.md"])
        #expect(schedule.next() == .start(run: 5, changes: ["page.md"]))
    }

    @Test func aChangeWhileIdleResetsTheSelfTriggerCount() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        schedule.sourcesChanged(["x"])
        schedule.finished()
        _ = schedule.next()
        schedule.finished()
        schedule.sourcesChanged(["y"])
        #expect(schedule.next() == .start(run: 3, changes: ["y"]))
        for run in 4...6 {
            schedule.sourcesChanged(["z"])
            schedule.finished()
            #expect(schedule.next() == .start(run: run, changes: ["z"]))
        }
    }

    @Test func aBuildsLastWriteThatSettlesAfterItEndedStillCountsAsTheBuilds() {
        var schedule = BuildSchedule()
        _ = schedule.next()
        for run in 2...4 {
            schedule.finished()
            schedule.sourcesChanged(["generated.txt"], whileRunning: true)
            #expect(schedule.next() == .start(run: run, changes: ["generated.txt"]))
        }
        schedule.finished()
        schedule.sourcesChanged(["generated.txt"], whileRunning: true)
        #expect(schedule.next() == .stoppedSelfTriggering(paths: ["generated.txt"]))
    }
}

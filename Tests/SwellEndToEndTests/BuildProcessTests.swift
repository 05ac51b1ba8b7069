import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--exec` seen from outside: the built `swell` running a scripted build, watched through its
/// event stream, its status, its HTTP answers and the build's own run log.
@Suite(.serialized) struct BuildProcessTests {
    static let page = "<html><body><h1>one</h1></body></html>"

    func start(_ project: BuildProject, _ extra: [String] = [], outputFile: String? = nil) async throws -> (SwellProcess, Int) {
        let swell = try project.serve(extra, outputFile: outputFile)
        let port = try await swell.port()
        let ready = await BuildProject.firstBuildIsOut(port: port, within: .seconds(15))
        #expect(ready, "the first build never finished: \(swell.errorOutput)")
        return (swell, port)
    }

    func status(_ port: Int) async -> String? {
        try? await RawHTTPClient(port: port).get("/__swell/status", timeout: 2).text
    }

    func stop(_ swell: SwellProcess) async {
        swell.signal(SIGINT)
        _ = await swell.exitCode(within: 5)
    }

    @Test func aSourceEditBuildsOnceAndReloadsOnlyAfterTheBuild() async throws {
        let project = try BuildProject(files: ["index.html": Self.page, "a.css": "a{}", "b.html": "b"])
        let (swell, port) = try await start(project)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/index.html", "<html><body><h1>two</h1></body></html>")
        let text = try await stream.waitFor("event: reload", timeout: 15)
        // hello carries the first build's ok; then running, ok and the one reload, in that order.
        let running = try #require(text.range(of: "\"state\":\"running\""))
        let ok = try #require(text.range(of: "\"state\":\"ok\"", range: running.upperBound..<text.endIndex))
        let reload = try #require(text.range(of: "event: reload"))
        #expect(ok.lowerBound < reload.lowerBound, "\(text)")
        #expect(text.components(separatedBy: "event: reload").count == 2, "\(text)")
        // Only the page whose bytes changed, though the build rewrote all three files.
        #expect(text.contains("data: {\"paths\":[\"/index.html\"]}"), "\(text)")
        #expect(try await RawHTTPClient(port: port).get("/index.html").text.contains("two"))
        #expect(project.changed(inRun: 2) == "src/index.html")
        #expect(project.changed(inRun: 1) == "")
        #expect(swell.errorOutput.contains("building: 1 change"))
        #expect(swell.errorOutput.contains("built in "))
        #expect(!swell.output.contains("built in"), "build lines go to stderr; stdout keeps the start-up contract")
        await stop(swell)
    }

    @Test func aLogFileInTheProjectStartsNoBuild() async throws {
        // `swell out --exec … 2> swell.log` in the project: the log is in the sources, and
        // Swell writes to it at every build's start and end.
        let project = try BuildProject(files: ["index.html": Self.page, "a.css": "a{}"])
        let (swell, port) = try await start(project, outputFile: project.folder + "/swell.log")
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/index.html", "<html><body><h1>two</h1></body></html>")
        _ = try await stream.waitFor("event: reload", timeout: 15)
        #expect(await eventually(within: .seconds(5)) { swell.output.components(separatedBy: "built in").count == 3 }, "\(swell.output)")
        // The log has the second build's last line; the next build must be the next edit's.
        try project.write("src/a.css", "a{color:red}")
        _ = try await stream.waitFor("\"/a.css\"", timeout: 15)
        #expect(await eventually(within: .seconds(5)) { await status(port)?.contains("\"state\":\"ok\"") == true })
        #expect(project.startedRuns == 3, "\(project.runs)")
        #expect(project.changed(inRun: 2) == "src/index.html")
        #expect(project.changed(inRun: 3) == "src/a.css")
        await stop(swell)
    }

    @Test func aStylesheetRebuiltAloneIsAnUpdate() async throws {
        let project = try BuildProject(files: ["index.html": Self.page, "a.css": "a{}"])
        let (swell, port) = try await start(project)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/a.css", "a{color:red}")
        let text = try await stream.waitFor("event: update", timeout: 15)
        #expect(text.contains("data: {\"paths\":[\"/a.css\"]}"), "\(text)")
        #expect(!text.contains("event: reload"))
        await stop(swell)
    }

    @Test func changesDuringABuildCostExactlyOneFollowUpAndBuildsNeverOverlap() async throws {
        let project = try BuildProject(files: ["index.html": Self.page])
        let (swell, port) = try await start(project)
        try project.setSlow(1)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/index.html", "<p>first</p>")
        _ = try await stream.waitFor("\"state\":\"running\"", timeout: 10)
        for n in 0..<5 {
            try project.write("src/extra\(n).html", "<p>\(n)</p>")
            try await Task.sleep(for: .milliseconds(60))
        }
        #expect(await eventually(within: .seconds(20)) { project.finishedRuns == 3 }, "\(project.runs)")
        try project.setSlow(nil)
        // Nothing more is queued: no fourth build.
        let quiet = await eventually(within: .milliseconds(800)) { project.finishedRuns > 3 }
        #expect(!quiet, "\(project.runs)")
        let runs = project.runs
        for (index, line) in runs.enumerated() { #expect(line.hasPrefix(index % 2 == 0 ? "start" : "end"), "overlap: \(runs)") }
        // The follow-up names every change made during run 2. Under load the tail of run 2's own
        // trigger (the events of writing src/index.html) may be seen after run 2 began: then it is
        // named again, as a change seen during a build must be.
        let changed = Set((project.changed(inRun: 3) ?? "").split(separator: "\n").map(String.init))
        let extras = Set((0..<5).map { "src/extra\($0).html" })
        #expect(extras.isSubset(of: changed), "\(changed)")
        #expect(changed.subtracting(extras).isSubset(of: ["src/index.html"]), "\(changed)")
        await stop(swell)
    }

    @Test func aNavigationWaitsForTheBuildAndAStylesheetDoesNot() async throws {
        let project = try BuildProject(files: ["index.html": Self.page, "a.css": "a{}"])
        let (swell, port) = try await start(project)
        try project.setSlow(1.5)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/index.html", "<html><body><h1>rebuilt</h1></body></html>")
        _ = try await stream.waitFor("\"state\":\"running\"", timeout: 10)
        let client = RawHTTPClient(port: port)
        let clock = ContinuousClock()
        let started = clock.now
        let sheet = try await client.get("/a.css", headers: ["Sec-Fetch-Dest": "style"])
        let sheetTook = clock.now - started
        #expect(sheet.status == 200 && sheetTook < .milliseconds(700), "a stylesheet waited \(sheetTook)")
        let page = try await client.get("/", headers: ["Sec-Fetch-Dest": "document", "Accept": "text/html"], timeout: 20)
        // Held until the build ended: the page is the new one (the build copies only after its 1.5 s).
        #expect(page.text.contains("rebuilt"), "\(page.text)")
        let okSent = try? await stream.waitFor("\"state\":\"ok\"", timeout: 1)
        #expect(okSent != nil, "the page was answered before the build's ok")
        try project.setSlow(nil)
        await stop(swell)
    }

    @Test func aFailedBuildIsReportedAndTheFixReloads() async throws {
        let project = try BuildProject(files: ["index.html": Self.page, "page.html": "<p>page</p>"])
        let (swell, port) = try await start(project)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/fail", "x")
        let failed = try await stream.waitFor("\"state\":\"failed\"", timeout: 15)
        #expect(failed.contains("\"exit\":3"))
        #expect(failed.contains("<b>unclosed</b> tag"))
        #expect(
            failed.contains("\"diagnostics\":[{\"file\":\"src/page.html\",\"line\":2,\"column\":5,\"message\":\"error: <b>unclosed</b> tag\"}]"),
            "\(failed)"
        )
        #expect(!failed.contains("event: reload"), "a failed build publishes nothing")
        let report = await status(port) ?? ""
        #expect(report.contains("\"build\":{\"command\":\"./build.sh\",\"state\":\"failed\",\"runs\":2,\"lastExit\":3"), "\(report)")
        #expect(swell.errorOutput.contains("build failed (exit 3)"))
        // A page opened now learns the state from hello.
        let late = try await RawHTTPClient(port: port).openStream("/__swell/events")
        #expect(try await late.waitFor("event: hello").contains("\"build\":{\"state\":\"failed\""))
        try project.remove("src/fail")
        let fixed = try await stream.waitFor("event: reload", timeout: 15)
        #expect(fixed.contains("\"state\":\"ok\""))
        await stop(swell)
    }

    @Test func ctrlCDuringABuildEndsItAndEveryChildWithinTwoSeconds() async throws {
        let project = try BuildProject(files: ["index.html": Self.page])
        let (swell, port) = try await start(project)
        try "x".write(toFile: project.control + "/child", atomically: true, encoding: .utf8)
        try project.setSlow(30)
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        try project.write("src/index.html", "<p>again</p>")
        _ = try await stream.waitFor("\"state\":\"running\"", timeout: 10)
        let running = await eventually(within: .seconds(5)) { project.runs.count == 3 }
        #expect(running, "\(project.runs)")
        // The script's own shell is the group leader; `sleep` runs in it.
        let shell = try #require(project.runs.last.flatMap { Int32($0.split(separator: " ")[1]) })
        let clock = ContinuousClock()
        let started = clock.now
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
        #expect(clock.now - started < .seconds(2), "exit took \(clock.now - started)")
        // Gone, or a zombie waiting for whoever reaps orphans here: either way nothing runs.
        let gone = await eventually(within: .seconds(1)) { Self.isGoneOrZombie(shell) && kill(-shell, 0) != 0 }
        #expect(gone, "the build's process group outlived swell: \(Self.state(of: shell) ?? "gone")")
    }

    static func state(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return stat.split(separator: ")").last?.split(separator: " ").first.map(String.init)
    }

    static func isGoneOrZombie(_ pid: Int32) -> Bool {
        let state = state(of: pid)
        return state == nil || state == "Z"
    }

    @Test func anInPlaceBuildWithoutSourceIsAUsageError() async throws {
        let project = try BuildProject(files: [:])
        let swell = try SwellProcess([".", "--exec", "true"], in: project.folder)
        #expect(await swell.exitCode(within: 10) == 64)
        #expect(swell.errorOutput.contains("--source"), "\(swell.errorOutput)")
    }

    @Test func aMissingOutputFolderIsServedOnceTheFirstBuildMadeIt() async throws {
        let project = try BuildProject(files: ["index.html": Self.page])
        #expect(!FileManager.default.fileExists(atPath: project.folder + "/out"))
        let (swell, port) = try await start(project)
        #expect(try await RawHTTPClient(port: port).get("/").text.contains("one"))
        await stop(swell)
    }

    @Test func aFailedFirstBuildSaysTheSiteIsNotBuiltYet() async throws {
        // The output folder never existed: the page must not say it was deleted or renamed.
        let project = try BuildProject(files: [:])
        let swell = try SwellProcess(["out", "-p", "0", "--exec", "echo broken >&2; exit 3"], in: project.folder)
        let port = try await swell.port()
        let failed = await eventually(within: .seconds(10)) { await status(port)?.contains("\"state\":\"failed\"") == true }
        #expect(failed, "\(swell.errorOutput)")
        let page = try await RawHTTPClient(port: port).get("/", headers: ["Accept": "text/html", "Sec-Fetch-Dest": "document"])
        #expect(page.status == 503)
        #expect(page.text.contains("503 Not Built Yet"), "\(page.text)")
        #expect(!page.text.contains("deleted or renamed"))
        #expect(page.text.contains("<script src=\"/__swell/client.js\"></script>"), "the overlay comes with the client")
        await stop(swell)
    }
}

/// The ways a build goes wrong that Swell must survive and explain.
@Suite(.serialized) struct BuildFaultProcessTests {
    @Test func aBuildPastExecTimeoutIsKilledAndReportedAsFailed() async throws {
        let project = try BuildProject(files: ["index.html": "<p>one</p>"])
        try project.setSlow(30)
        // 3 s: the quick build that follows must fit inside it on a loaded machine (a shell, cp, sleeps).
        let swell = try project.serve(["--exec-timeout", "3"])
        defer { swell.signal(SIGKILL) }
        let port = try await swell.port()
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        let failed = try await stream.waitFor("\"state\":\"failed\"", timeout: 10)
        #expect(failed.contains("\"exit\":137"), "\(failed)")
        #expect(await eventually(within: .seconds(2)) { swell.errorOutput.contains("build timed out after 3 s (--exec-timeout) and was killed") })
        // Still serving, and the next change builds again.
        try project.setSlow(nil)
        try project.write("src/index.html", "<p>two</p>")
        _ = try await stream.waitFor("\"state\":\"ok\"", timeout: 10)
        #expect(try await RawHTTPClient(port: port).get("/index.html").text.contains("two"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    @Test func aBuildThatKeepsWritingItsOwnSourcesIsStoppedWithAdvice() async throws {
        let project = try BuildProject(files: ["index.html": "<p>one</p>"])
        // Each run writes a file among the sources: every build starts the next.
        try project.write("build.sh", BuildProject.script.replacingOccurrences(of: "CONTROL", with: project.control) + "\ndate +%N > generated.txt\n")
        let swell = try project.serve()
        defer { swell.signal(SIGKILL) }
        _ = try await swell.port()
        let stopped = await eventually(within: .seconds(20)) { swell.errorOutput.contains("three builds in a row") }
        #expect(stopped, "\(swell.errorOutput)")
        #expect(swell.errorOutput.contains("generated.txt") && swell.errorOutput.contains("--ignore"))
        // The first build and three it started itself (a fourth under load, when a build's last
        // write is seen only after its end); once Swell has said it stopped, no more.
        #expect(await eventually(within: .seconds(5)) { project.finishedRuns >= 4 && project.finishedRuns == project.startedRuns }, "\(project.runs)")
        let runs = project.finishedRuns
        #expect(runs <= 5, "\(project.runs)")
        // Not even the last build's own write, if it is seen only after that build ended.
        let more = await eventually(within: .milliseconds(1500)) { project.startedRuns > runs }
        #expect(!more, "\(project.runs)")
        // Each later edit builds once: the build writes generated.txt again, which Swell now
        // knows as its own (it used to cost three more builds and the stop again, every edit).
        for (offset, text) in [(1, "<p>two</p>"), (2, "<p>three</p>")] {
            try project.write("src/index.html", text)
            #expect(await eventually(within: .seconds(10)) { project.finishedRuns >= runs + offset }, "\(project.runs)")
            // The build's own last write may land in the same batch as the edit: fine, one build.
            let changed = project.changed(inRun: runs + offset)?.split(separator: "\n") ?? []
            #expect(changed.contains("src/index.html"), "\(project.runs) \(changed)")
        }
        #expect(swell.errorOutput.components(separatedBy: "three builds in a row").count == 2, "\(swell.errorOutput)")
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }
}

import Foundation
import SwellKit
import SwellTestSupport
import Synchronization
import Testing

/// The API a site generator embeds, used only through what is public, against a real socket:
/// start, learn the URL, report builds and changes, stop.
@Suite struct EmbeddingAPITests {
    /// Runs `server` through its public `run` until `body` is done, then `stop()`s it and
    /// checks that `run` returned.
    func withServer(_ site: TemporarySite, _ body: (SwellServer, RawHTTPClient) async throws -> Void) async throws {
        var configuration = SwellConfiguration(root: site.root.path)
        configuration.port = 0
        configuration.watchesRoot = false
        let server = try SwellServer(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run { listening in continuation.yield(listening.port) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body(server, RawHTTPClient(port: port))
        } catch {
            await server.stop()
            _ = try? await running.value
            throw error
        }
        await server.stop()
        try await running.value
    }

    @Test func reportedBuildsReachEveryPageAsTheyDoWithExec() async throws {
        let site = try TemporarySite(["index.html": "<body>one</body>", "style.css": "a{}"])
        try await withServer(site) { server, client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("event: hello")

            // Served before, the page is the cache's to answer: the build holds it all the same.
            for _ in 0..<2 { #expect(try await client.get("/", headers: ["Sec-Fetch-Dest": "document"]).text.contains("one")) }
            server.buildStarted(changes: ["content/index.md"])
            _ = try await stream.waitFor("{\"state\":\"running\",\"run\":1,\"changes\":[\"content/index.md\"]}")
            // A navigation waits for the build; a stylesheet does not.
            let answered = Shared(false)
            let held = Task {
                defer { answered.value.withLock { $0 = true } }
                return try await client.get("/", headers: ["Sec-Fetch-Dest": "document"], timeout: 20)
            }
            #expect(try await client.get("/style.css", headers: ["Sec-Fetch-Dest": "style"]).status == 200)
            let early = await eventually(within: .milliseconds(300)) { answered.value.withLock { $0 } }
            #expect(!early, "a navigation during a reported build was answered before it ended")

            server.buildFailed(output: "<b>bad</b>", diagnostics: [BuildDiagnostic(file: "content/index.md", line: 2, message: "no")], exitStatus: 1)
            let failed = try await stream.waitFor("\"state\":\"failed\"")
            #expect(failed.contains("\"output\":\"<b>bad</b>\",\"diagnostics\":[{\"file\":\"content/index.md\",\"line\":2,\"message\":\"no\"}]"))
            #expect(try await held.value.status == 200, "the held navigation is answered once the build failed")
            #expect(try await client.get("/__swell/status").text.contains("\"build\":{\"command\":"))

            server.buildStarted()
            try site.write("style.css", "a{color:red}")
            server.buildSucceeded(changedOutputPaths: [site.root.path + "/style.css"])
            let ok = try await stream.waitFor("event: update")
            #expect(ok.contains("\"state\":\"ok\",\"run\":2"))
            #expect(ok.contains("data: {\"paths\":[\"/style.css\"]}"))
        }
    }

    @Test func aSuccessAfterAFailureReloadsEvenWithNothingChanged() async throws {
        let site = try TemporarySite(["index.html": "<body>one</body>"])
        try await withServer(site) { server, client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("event: hello")
            server.buildStarted()
            server.buildFailed(output: "oops")
            server.buildStarted()
            server.buildSucceeded(changedOutputPaths: [])
            _ = try await stream.waitFor("event: reload")
        }
    }

    @Test func outputChangedIsOneEventAndTheRootIsNotAlsoWatched() async throws {
        let site = try TemporarySite(["index.html": "<body>one</body>", "a.png": "x"])
        try await withServer(site) { server, client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("event: hello")
            try site.write("index.html", "<body>two</body>")
            server.outputChanged(["a.png"])
            let text = try await stream.waitFor("event: update")
            #expect(text.contains("{\"paths\":[\"/a.png\"]}"))
            // watchesRoot = false: the write above is never announced by Swell itself.
            let heard = try? await stream.waitFor("index.html", timeout: 0.4)
            #expect(heard == nil, "\(heard ?? "")")
            #expect(try await client.get("/").text.contains("two"))
        }
    }
}

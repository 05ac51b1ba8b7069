import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A backend that misbehaves (`Tests/Fixtures/backend/hostile.py`), and many requests at
/// once: the browser gets a clean error, and Swell goes on serving with its descriptors back.
@Suite struct ProxyFaultProcessTests {
    func withHostileBackend(
        _ extra: [String] = [],
        _ body: (_ swell: SwellProcess, _ client: RawHTTPClient, _ backend: FlaskBackend) async throws -> Void
    ) async throws {
        let backend = try await FlaskBackend(script: "hostile.py")
        let site = try TemporarySite(["templates/index.html": "<h1>t</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"] + extra)
        try await body(swell, RawHTTPClient(port: try await swell.port()), backend)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }

    @Test func anAnswerThatIsNotHTTPIsA502NamingIt() async throws {
        try await withHostileBackend { _, client, _ in
            let answer = try await client.get("/garbage", headers: ProxyProcessTests.navigation)
            #expect(answer.status == 502)
            #expect(answer.text.contains("not HTTP"))
            #expect(!answer.text.contains("SSH-2.0"), "the garbage is not passed on")
            #expect(try await client.get("/ok").text == "ok")
        }
    }

    @Test func aBackendThatClosesEarlyEndsTheResponseVisiblyShort() async throws {
        try await withHostileBackend { _, client, _ in
            let answer = try await client.openStream("/early-close")
            #expect(try await answer.waitForClose(timeout: 10), "the browser is not left waiting")
            let text = answer.text
            #expect(text.hasPrefix("HTTP/1.1 200 "))
            #expect(text.hasSuffix("first part"), "what came is passed on, and nothing pretends to end it: \(text)")
            #expect(text.contains("Content-Length: 1000"), "the browser can tell the body is short")
            #expect(try await client.get("/ok").text == "ok")
        }
    }

    @Test func aStalledBodyIsPassedOnAsItIsAndLeavingCancelsIt() async throws {
        try await withHostileBackend { _, client, backend in
            let stalled = try await client.openStream("/stall")
            _ = try await stalled.waitFor("first part")
            // The stall holds one connection, not the server.
            #expect(try await client.get("/ok").text == "ok")
            // The browser leaving. Not close(2): the connection's deinit closes its descriptor,
            // and closing it twice could close another test's pipe that reused the number.
            shutdown(stalled.socket, Int32(SHUT_RDWR))
            let cancelled = await eventually(within: .seconds(10)) { backend.process.output.contains("CLOSED /stall") ? true : nil }
            #expect(cancelled == true, "Swell closed the backend connection when the browser left")
        }
    }

    @Test func aBackendThatNeverAnswersIsA502AfterTheProxyTimeoutWhileABodyMayGoOnLonger() async throws {
        try await withHostileBackend(["--proxy-timeout", "1"]) { _, client, backend in
            let started = ContinuousClock.now
            let answer = try await client.get("/silent", headers: ProxyProcessTests.navigation)
            #expect(answer.status == 502)
            #expect(answer.text.contains("--proxy-timeout"), "the page names the option: \(answer.text)")
            #expect(ContinuousClock.now - started < .seconds(8))
            let dropped = await eventually(within: .seconds(10)) { backend.process.output.contains("CLOSED /silent") ? true : nil }
            #expect(dropped == true, "the backend request was given up")
            // The timeout is for the head: a body that pauses longer than it is not cut.
            let stalled = try await client.openStream("/stall")
            _ = try await stalled.waitFor("first part")
            #expect(try await !stalled.waitForClose(timeout: 2.5), "a stalled body outlives --proxy-timeout")
            shutdown(stalled.socket, Int32(SHUT_RDWR))
        }
    }

    @Test func twoHundredConcurrentRequestsThenDescriptorsReturnToTheBaseline() async throws {
        let backend = try await FlaskBackend()
        let site = try TemporarySite(["templates/index.html": "<h1>t</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"])
        let client = RawHTTPClient(port: try await swell.port())
        #expect(try await client.get("/json").status == 200)
        let baseline = try descriptors(of: swell.pid)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { try await client.get("/json", timeout: 30).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 }, "\(Dictionary(grouping: statuses) { $0 }.mapValues(\.count))")
        // The client's idle backend connections close after 10 s; then only the baseline is left.
        let settled = await eventually(within: .seconds(30)) { () -> Int? in
            guard let now = try? descriptors(of: swell.pid), now <= baseline + 1 else { return nil }
            return now
        }
        #expect(settled != nil, "descriptors: baseline \(baseline), now \((try? descriptors(of: swell.pid)) ?? -1)")
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }

    private func descriptors(of pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }
}

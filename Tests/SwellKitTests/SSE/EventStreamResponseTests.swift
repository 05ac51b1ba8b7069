import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct EventStreamResponseTests {
    @Test func streamStartsWithRetryAndHelloAndHasNoCORS() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site, configure: { $0.cors = true }) { client in
            let stream = try await client.openStream("/__swell/events")
            let text = try await stream.waitFor("event: hello\n")
            let head = text.components(separatedBy: "\r\n\r\n")[0]
            #expect(head.contains("Content-Type: text/event-stream"))
            #expect(head.contains("Cache-Control: no-cache"))
            #expect(head.contains("X-Accel-Buffering: no"))
            #expect(!head.lowercased().contains("access-control-allow-origin"))
            #expect(!head.lowercased().contains("content-length"))
            let body = try await stream.waitFor("\"version\"")
            #expect(body.contains("retry: 1000\n\nevent: hello\ndata: {\"server\":\""))
        }
    }

    @Test func resumeWithLastEventIDReplaysMissedEvents() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let first = try await client.openStream("/__swell/events")
            let hello = try await first.waitFor("\"version\"")
            let instance = try #require(hello.components(separatedBy: "\"server\":\"").last?.components(separatedBy: "\"").first)
            for _ in 0..<3 { _ = try await client.get("/__swell/reload", method: "POST") }
            _ = try await first.waitFor("id: \(instance).3\n")
            let resumed = try await client.openStream("/__swell/events", headers: ["Last-Event-ID": "\(instance).1"])
            let text = try await resumed.waitFor("id: \(instance).3\n")
            #expect(text.contains("id: \(instance).2\n"))
            #expect(!text.contains("id: \(instance).1\n"))
            let restarted = try await client.openStream("/__swell/events", headers: ["Last-Event-ID": "deadbeef.7"])
            let reload = try await restarted.waitFor("event: reload")
            #expect(reload.contains("id: \(instance).3\nevent: reload\ndata: {\"paths\":[]}"))
        }
    }

    /// A tab that takes over a shared stream cannot set headers on an EventSource: `?last=` resumes it.
    @Test func resumeWithTheLastQueryParameterReplaysMissedEvents() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let first = try await client.openStream("/__swell/events")
            let hello = try await first.waitFor("\"version\"")
            let instance = try #require(hello.components(separatedBy: "\"server\":\"").last?.components(separatedBy: "\"").first)
            for _ in 0..<3 { _ = try await client.get("/__swell/reload", method: "POST") }
            _ = try await first.waitFor("id: \(instance).3\n")
            let resumed = try await client.openStream("/__swell/events?pages=4&last=\(instance).2")
            let text = try await resumed.waitFor("id: \(instance).3\n")
            #expect(text.contains("\"last\":\"\(instance).3\""))
            #expect(!text.contains("id: \(instance).2\n"))
            // The header wins when both are there (the browser's own reconnects send it).
            let both = try await client.openStream("/__swell/events?last=\(instance).2", headers: ["Last-Event-ID": "\(instance).1"])
            #expect(try await both.waitFor("id: \(instance).3\n").contains("id: \(instance).2\n"))
        }
    }
}

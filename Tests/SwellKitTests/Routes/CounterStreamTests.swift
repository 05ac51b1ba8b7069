import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct CounterStreamTests {
    @Test func countsFromZeroWithIdAndData() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site, configure: { $0.streamInterval = .milliseconds(50) }) { client in
            let stream = try await client.openStream("/stream")
            let text = try await stream.waitFor("id: 2\r\ndata: 2".replacingOccurrences(of: "\r", with: ""))
            #expect(text.contains("Content-Type: text/event-stream"))
            #expect(text.contains("Access-Control-Allow-Origin: *"))
            #expect(text.contains("Cache-Control: no-cache"))
            #expect(text.contains("id: 0\ndata: 0\n\n"))
            #expect(text.contains("id: 1\ndata: 1\n\n"))
        }
    }

    @Test func lastEventIDResumesAtTheNextNumber() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site, configure: { $0.streamInterval = .milliseconds(50) }) { client in
            let stream = try await client.openStream("/stream", headers: ["Last-Event-ID": "41"])
            let text = try await stream.waitFor("data: 43\n")
            #expect(text.contains("id: 42\ndata: 42\n\n"))
            #expect(!text.contains("data: 0\n"))
            #expect(!text.contains("data: 41\n"))
        }
    }

    @Test(arguments: [(nil, 0), ("7", 8), (" 7 ", 8), ("x", 0), ("-3", 0), ("", 0)] as [(String?, Int)])
    func firstNumberFollowsLastEventID(header: String?, expected: Int) {
        #expect(CounterStream.firstNumber(lastEventID: header) == expected)
    }

    @Test func aFileNamedStreamWinsOverTheDemo() async throws {
        let site = try TemporarySite(["stream": "a real file"])
        try await withRunningServer(site) { (client: RawHTTPClient) async throws in
            #expect(try await client.get("/stream").text == "a real file")
        }
    }

    @Test func noStreamTurnsTheEndpointOff() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site, configure: { $0.streamInterval = nil }) { (client: RawHTTPClient) async throws in
            #expect(try await client.get("/stream").status == 404)
        }
    }

    @Test func gracefulShutdownEndsAnOpenStream() async throws {
        let site = try TemporarySite(["index.html": "x"])
        // withRunningServer shuts down gracefully when the body returns; it only returns if the open stream ends.
        let (stream, shutdownStarted) = try await withRunningServer(site, configure: { $0.streamInterval = .seconds(30) }) { client in
            let stream = try await client.openStream("/stream")
            _ = try await stream.waitFor("data: 0")
            return (stream, Date())
        }
        #expect(try await stream.waitForClose(timeout: 3))
        // The next tick is 30 s away: ending well before it means shutdown ended the stream.
        #expect(Date().timeIntervalSince(shutdownStarted) < 10)
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Event streams over HTTP/1.1 are written by their connection's event loop
/// (`ChannelEventStream`): one page that stops reading must not hold up the others, and
/// what it missed collapses into one `reload`.
@Suite struct ChannelEventStreamTests {
    /// A raw connection to `port` that asked for the event stream; `receiveBuffer` shrinks its socket's buffer.
    func openRawStream(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = try RawHTTPClient.connect(port: port, timeout: 1, receiveBuffer: receiveBuffer)
        try RawHTTPClient.writeAll(fd, Array("GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        return fd
    }

    /// Reads `fd` until `needle` arrives (or 20 s pass, or it stops sending), counting the
    /// updates and reloads on the way without keeping megabytes of text.
    func readEvents(_ fd: Int32, until needle: String) async throws -> (updates: Int, reloads: Int, sawNeedle: Bool) {
        try await RawHTTPClient.offCooperativePool {
            func markers(_ text: String) -> (Int, Int) {
                (text.components(separatedBy: "event: update").count - 1, text.components(separatedBy: "event: reload").count - 1)
            }
            var updates = 0
            var reloads = 0
            var carry = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if count <= 0 { break }
                let text = carry + String(decoding: buffer[0..<count], as: UTF8.self)
                // Both markers are counted or found in `text`; the carry holds a split one over.
                let (inText, reloadsInText) = markers(text)
                updates += inText
                reloads += reloadsInText
                if text.contains(needle) { return (updates, reloads, true) }
                carry = String(text.suffix(max(needle.utf8.count, 16)))
                let (inCarry, reloadsInCarry) = markers(carry)
                updates -= inCarry
                reloads -= reloadsInCarry
            }
            return (updates, reloads, false)
        }
    }

    @Test func aStuckPageCollapsesIntoOneReloadAndTheOthersGetEveryEvent() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site, configure: { $0.watchesRoot = false }) { server, client in
            // A page that does not read, with the smallest receive buffer the kernel allows.
            let stuck = try openRawStream(port: client.port, receiveBuffer: 4096)
            defer { close(stuck) }
            let live = try openRawStream(port: client.port)
            defer { close(live) }
            #expect(await eventually(within: .seconds(5)) { server.status.clients == 2 })
            let instance = try #require(server.hub?.instanceID)
            let lastID = "id: \(instance).400\n"

            // 400 updates of 20 KB: far more than the socket buffers and the stream's 64 can
            // hold. They go out ten at a time, and the page that reads has each ten before the
            // next, so that it never falls behind however loaded the machine is.
            let paths = (0..<200).map { "/" + String(repeating: "p", count: 90) + "/\($0).css" }
            var seen = (updates: 0, reloads: 0)
            for round in 1...40 {
                for _ in 0..<10 { server.publish(ChangeSet(paths: paths)) }
                let read = try await readEvents(live, until: "id: \(instance).\(round * 10)\n")
                #expect(read.sawNeedle)
                seen = (seen.updates + read.updates, seen.reloads + read.reloads)
            }
            #expect(seen.updates == 400 && seen.reloads == 0, "a page that reads got \(seen)")

            // Now the stuck page reads: what it missed came as a reload, and it still ends with
            // the newest event, so a later resume lines up.
            let drained = try await readEvents(stuck, until: lastID)
            #expect(drained.sawNeedle)
            #expect(drained.reloads >= 1 && drained.updates < 400, "the stuck page got \(drained)")
        }
    }

    @Test func aClosedPageLeavesTheStatusAtOnce() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site, configure: { $0.watchesRoot = false }) { server, client in
            var streams = try await (0..<3).asyncMap { _ in try await client.openStream("/__swell/events?pages=2") }
            for stream in streams { _ = try await stream.waitFor("event: hello") }
            #expect(server.status.clients == 3)
            #expect(server.status.pages == 6)
            // The last reference: its socket closes, as a tab's does.
            streams.removeFirst()
            #expect(await eventually(within: .seconds(5)) { server.status.clients == 2 && server.status.pages == 4 })
        }
    }
}

extension Sequence where Element: Sendable {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

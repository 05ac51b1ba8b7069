import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built binary's live-reload channel, read as a stream over a socket.
@Suite struct LiveReloadProcessTests {
    @Test func aSavedPageArrivesAsOneReloadOnTheEventStream() async throws {
        let site = try TemporarySite(["index.html": "<body>1</body>", "css/site.css": "a{}"])
        // A long quiet period: under the whole suite this process can stall between an in-place
        // save's truncate and its close for longer than the default 50 ms, and the half save
        // would then be reported on its own (seen once: an update, then the same file again).
        let swell = try SwellProcess([site.path, "-p", "0", "--wait", "300"])
        let port = try await swell.port()
        let fd = try HTTP.connect(port: port)
        defer { close(fd) }
        _ = "GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
        var text = try await read(fd, until: "\"version\"")
        #expect(text.contains("Content-Type: text/event-stream"))
        // The watch is set up in the background; status says when it is complete.
        #expect(try await eventually(within: .seconds(5)) { try await HTTP.get(port: port, "/__swell/status").contains("\"watchReady\":true") })
        try Data("a{color:red}".utf8).write(to: site.root.appendingPathComponent("css/site.css"))
        text = try await read(fd, until: "\"/css/site.css\"")
        #expect(text.contains("event: update\ndata: {\"paths\":[\"/css/site.css\"]}"))
        try Data("<body>2</body>".utf8).write(to: site.root.appendingPathComponent("index.html"))
        text = try await read(fd, until: "\"/index.html\"")
        #expect(text.contains("event: reload\ndata: {\"paths\":[\"/index.html\"]}"))
        let page = try await HTTP.get(port: port, "/")
        #expect(page.contains("<body>2<script src=\"/__swell/client.js\"></script></body>"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 3) == 0)
    }

    @Test func aLogFileInTheServedFolderIsNeverAChange() async throws {
        // `swell > swell.log 2>&1` in the site: each event writes a line to the log, which
        // must not be an event of its own (it was: a reload every 50 ms, for ever).
        let site = try TemporarySite(["index.html": "<body>1</body>", "marker.txt": "0"])
        let log = site.root.appendingPathComponent("swell.log").path
        let swell = try SwellProcess([site.path, "-p", "0"], outputFile: log)
        let port = try await swell.port()
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        #expect(try await eventually(within: .seconds(5)) { try await HTTP.get(port: port, "/__swell/status").contains("\"watchReady\":true") })
        try site.write("index.html", "<body>2</body>")
        _ = try await stream.waitFor("\"/index.html\"")
        #expect(await eventually(within: .seconds(5)) { swell.output.contains("reload /index.html") }, "\(swell.output)")
        // The log has its line; a change made after it is the next thing the stream carries.
        try site.write("marker.txt", "1")
        let text = try await stream.waitFor("\"/marker.txt\"")
        #expect(!text.contains("swell.log"), "\(text)")
        #expect(!swell.output.contains("reload /swell.log"), "\(swell.output)")
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 3) == 0)
    }

    /// Reads from `fd` until the text so far contains `needle` (10 s at most).
    func read(_ fd: Int32, until needle: String) async throws -> String {
        try await HTTP.onThread {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16384)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if String(decoding: received, as: UTF8.self).contains(needle) { break }
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
                if n == 0 { break }
                if n > 0 { received.append(contentsOf: buffer[0..<n]) }
            }
            return String(decoding: received, as: UTF8.self)
        }
    }
}

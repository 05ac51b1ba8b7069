import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Abuse and faults: each gets a clear status or message, and the server keeps serving
/// everyone else meanwhile (every test asks for a page while the abuse is going on).
@Suite struct AbuseTests {
    static let page = "still here"

    /// Another client, served normally while the abuse goes on.
    static func expectOthersServed(_ client: RawHTTPClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let started = ContinuousClock.now
        let response = try await client.get("/page.txt", timeout: 5)
        #expect(response.status == 200, sourceLocation: sourceLocation)
        #expect(response.text == page, sourceLocation: sourceLocation)
        // Generous: the whole suite runs in parallel on two cores; a blocked server would take forever.
        #expect(ContinuousClock.now - started < .seconds(5), sourceLocation: sourceLocation)
    }

    @Test func aClientSendingItsHeadersAByteAtATimeGets408AndOthersAreServed() async throws {
        let site = try TemporarySite(["page.txt": Self.page])
        try await withRunningServer(site, configure: { $0.requestHeadTimeout = .milliseconds(600) }) { client in
            let port = client.port
            let slow = Task {
                try await RawHTTPClient.offCooperativePool { () -> (String, Double) in
                    let socket = try RawHTTPClient.connect(port: port, timeout: 5)
                    defer { close(socket) }
                    let started = Date()
                    // Slowloris: a header that never ends, 20 bytes a second.
                    for byte in Array("GET /page.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
                        + Array(repeating: UInt8(ascii: "a"), count: 200)
                    {
                        // Stop once the server has answered: writing on would draw a reset that discards the answer.
                        var ready = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                        if Glibc.poll(&ready, 1, 50) > 0 { break }
                        guard (try? RawHTTPClient.writeAll(socket, [byte])) != nil else { break }
                        if Date().timeIntervalSince(started) > 4 { break }
                    }
                    let raw = (try? RawHTTPClient.readToEnd(socket, deadline: Date().addingTimeInterval(3))) ?? []
                    return (String(decoding: raw, as: UTF8.self), Date().timeIntervalSince(started))
                }
            }
            try await Self.expectOthersServed(client)
            let (answer, seconds) = try await slow.value
            #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
            #expect(answer.contains("did not arrive in time"))
            #expect(seconds < 3, "cut off after \(seconds) s")
        }
    }

    @Test func anIdleConnectionIsClosedQuietlyAfterTheHeadTimeout() async throws {
        let site = try TemporarySite(["page.txt": Self.page])
        // 1 s, not less: the other suites run beside this one, and a starved event loop must not
        // time out the one request before it has read it.
        try await withRunningServer(site, configure: { $0.requestHeadTimeout = .seconds(1) }) { client in
            let idle = try await client.openStream("/page.txt")  // one complete request, then nothing
            _ = try await idle.waitFor(Self.page)
            #expect(try await idle.waitForClose(timeout: 6))
            #expect(!idle.text.contains("408"), "an idle keep-alive connection gets no 408")
        }
    }

    /// A raw request named for the test list (the requests themselves are too big to print).
    struct RawRequest: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let text: String
    }

    @Test(arguments: [
        RawRequest(
            testDescription: "request line of 100 KB",
            text: "GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        ),
        RawRequest(
            testDescription: "one header of 100 KB",
            text: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "a", count: 100_000) + "\r\n\r\n"
        ),
        RawRequest(
            testDescription: "5,000 headers",
            text: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<5000).map { "X-\($0): a\r\n" }.joined() + "\r\n"
        ),
        RawRequest(testDescription: "binary garbage", text: "\u{1}\u{2}\u{3} garbage\r\n\r\n"),
        RawRequest(testDescription: "an HTTP/2 preface on HTTP/1", text: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ])
    func oversizedOrMalformedRequestsGet400AndOthersAreServed(request: RawRequest) async throws {
        let site = try TemporarySite(["page.txt": Self.page])
        try await withRunningServer(site) { client in
            let response = try await client.send(Array(request.text.utf8))
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            try await Self.expectOthersServed(client)
        }
    }

    @Test func twoThousandIdleConnectionsDoNotStopOthersAndAreAllReleased() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 6000 {
            limit.rlim_cur = min(limit.rlim_max, 6000)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let count = min(2000, Int(limit.rlim_cur) / 2 - 200)
        let site = try TemporarySite(["page.txt": Self.page])
        try await withRunningServer(site, configure: { $0.requestHeadTimeout = .seconds(2) }) { client in
            let port = client.port
            let sockets = try await RawHTTPClient.offCooperativePool {
                // Each read below may wait 15 s: with the whole suite running beside it on two cores,
                // accepting two thousand connections can lag well behind the 2 s head timeout.
                try (0..<count).map { _ in try RawHTTPClient.connect(port: port, timeout: 15) }
            }
            // Closed exactly once, whatever happens: a second close could hit a descriptor the server reused.
            let closed: Int
            // What the others' reads said instead of end-of-file, for the failure message.
            let otherwise: [String: Int]
            do {
                try await Self.expectOthersServed(client)
                // Every one of them is closed by the server at the head timeout.
                (closed, otherwise) = try await RawHTTPClient.offCooperativePool { () -> (Int, [String: Int]) in
                    var closed = 0
                    var otherwise: [String: Int] = [:]
                    for socket in sockets {
                        var byte: UInt8 = 0
                        let n = read(socket, &byte, 1)
                        if n == 0 {
                            closed += 1
                        } else {
                            otherwise[n < 0 ? String(cString: strerror(errno)) : "a byte", default: 0] += 1
                        }
                    }
                    return (closed, otherwise)
                }
            } catch {
                for socket in sockets { close(socket) }
                throw error
            }
            for socket in sockets { close(socket) }
            #expect(closed == count, "not closed: \(otherwise)")
            // And the server holds no connection any more: none of its sockets is established or half-closed.
            #expect(await eventually(within: .seconds(5), every: .milliseconds(50)) { Self.serverConnections(port: port) == 0 })
        }
    }

    /// Server-side TCP connections on `port` that are ESTABLISHED or CLOSE_WAIT (each one a descriptor the server holds).
    static func serverConnections(port: Int) -> Int {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return 0 }
        let local = String(format: ":%04X", port)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(local) && (fields[3] == "01" || fields[3] == "08")
        }.count
    }

    /// `size` bytes in which every 64 KiB block differs (cheap to build, and a misplaced block shows).
    static func patterned(_ size: Int) -> Data {
        let block = Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) })
        var data = Data(capacity: size)
        var index = 0
        while data.count < size {
            var copy = block
            copy[copy.startIndex] = UInt8(truncatingIfNeeded: index)
            copy[copy.startIndex + 1] = UInt8(truncatingIfNeeded: index >> 8)
            data.append(copy.prefix(size - data.count))
            index += 1
        }
        return data
    }

    @Test func aRequestForTwoThousandRangesGetsTheWholeFileOnce() async throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let site = try TemporarySite(["page.txt": Self.page])
        try site.write("data.bin", data)
        try await withRunningServer(site) { client in
            let ranges = (0..<2000).map { "\($0 * 10)-\($0 * 10 + 5)" }.joined(separator: ",")
            let response = try await client.get("/data.bin", headers: ["Range": "bytes=" + ranges])
            #expect(response.status == 200)
            #expect(response.body.count == data.count)
            #expect(Data(response.body) == data)
            #expect(response.header("Content-Type") == "application/octet-stream")
            try await Self.expectOthersServed(client)
        }
    }

    @Test func aFileTruncatedWhileItIsServedEndsTheConnectionShortNeverLong() async throws {
        let size = 24 << 20
        let data = Self.patterned(size)
        let site = try TemporarySite(["page.txt": Self.page])
        try site.write("big.bin", data)
        try await withRunningServer(site) { client in
            let download = try await client.openStream("/big.bin")
            _ = try await download.waitFor("\r\n\r\n")
            // The client stalls; meanwhile the file shrinks to 1 MiB.
            #expect(truncate(site.root.appendingPathComponent("big.bin").path, 1 << 20) == 0)
            #expect(try await download.waitForClose(timeout: 10), "the connection must end: the promised length cannot be met")
            let raw = download.bytes
            let headEnd = try #require(raw.firstRange(of: Array("\r\n\r\n".utf8)))
            let head = String(decoding: raw[..<headEnd.lowerBound], as: UTF8.self)
            #expect(head.contains("Content-Length: \(size)"))
            let body = raw[headEnd.upperBound...]
            // Short (the client can tell), and every byte it got up to the cut is the file's.
            // Past the cut, bytes the kernel was already sending (`sendfile`) may arrive as zeros:
            // the file no longer has them.
            #expect(body.count < size)
            let cut = 1 << 20
            let beforeCut = body.prefix(cut)
            #expect(beforeCut.elementsEqual(data.prefix(beforeCut.count)), "a byte before the cut is not the file's")
            #expect(body.dropFirst(cut).enumerated().allSatisfy { $0.element == 0 || $0.element == data[cut + $0.offset] })
            try await Self.expectOthersServed(client)
            #expect(try await client.get("/big.bin").body.count == 1 << 20)
        }
    }

    @Test func aFileDeletedWhileItIsServedIsStillServedWhole() async throws {
        let size = 16 << 20
        let data = Self.patterned(size)
        let site = try TemporarySite(["page.txt": Self.page])
        try site.write("big.bin", data)
        try await withRunningServer(site) { client in
            let download = try await client.openStream("/big.bin")
            _ = try await download.waitFor("\r\n\r\n")
            try FileManager.default.removeItem(at: site.root.appendingPathComponent("big.bin"))
            let status = try await client.get("/big.bin").status
            #expect(status == 404)
            // The response in progress still comes whole from its open descriptor: keep reading until all of it is here.
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            var body: ArraySlice<UInt8> = []
            while ContinuousClock.now < deadline {
                _ = try await download.waitForClose(timeout: 0.2)
                let raw = download.bytes
                if let headEnd = raw.firstRange(of: Array("\r\n\r\n".utf8)) { body = raw[headEnd.upperBound...] }
                if body.count >= size { break }
            }
            #expect(body.count == size)
            #expect(Data(body) == data)
        }
    }

    @Test func rootDeletedOrRenamedGets503AndRecoversWhenItIsBack() async throws {
        let site = try TemporarySite(["index.html": "<body>first</body>", "page.txt": Self.page])
        let aside = site.container.appendingPathComponent("aside")
        try await withRunningServer(site) { client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"last\"")
            // Renamed away: 503 with a page that carries the client, the server itself answers.
            try FileManager.default.moveItem(at: site.root, to: aside)
            let missing = try await Self.poll(client, "/page.txt") { $0.status == 503 }
            #expect(missing.status == 503)
            #expect(missing.header("Retry-After") == "1")
            #expect(missing.text.contains("deleted or renamed"))
            #expect(missing.text.contains("/__swell/client.js"))
            #expect(!missing.text.contains(site.root.path), "the page does not disclose where ROOT is")
            #expect(try await client.get("/__swell/status").status == 200)
            _ = try await stream.waitFor("data: {\"paths\":[]}")

            // Moved back: served again.
            try FileManager.default.moveItem(at: aside, to: site.root)
            let back = try await Self.poll(client, "/page.txt") { $0.status == 200 }
            #expect(back.text == Self.page)

            // Deleted for good, then a new folder at the path: that one is served and watched.
            try FileManager.default.removeItem(at: site.root)
            _ = try await Self.poll(client, "/") { $0.status == 503 }
            try FileManager.default.createDirectory(at: site.root, withIntermediateDirectories: false)
            try "<body>second</body>".write(to: site.root.appendingPathComponent("index.html"), atomically: false, encoding: .utf8)
            let fresh = try await Self.poll(client, "/") { $0.text.contains("second") }
            #expect(fresh.status == 200)
            // The new watch is set up on the one inotify thread every in-process server shares: under a
            // parallel test run it may wait behind other servers' walks.
            let status = try await Self.poll(client, "/__swell/status", timeout: .seconds(20)) { $0.text.contains("\"watchReady\":true") }
            #expect(status.text.contains("\"watchReady\":true"))
            try "<body>third</body>".write(to: site.root.appendingPathComponent("index.html"), atomically: false, encoding: .utf8)
            _ = try await stream.waitFor("\"paths\":[\"/index.html\"]")
        }
    }

    /// Polls `path` until `condition` holds (bounded); returns the last response.
    static func poll(_ client: RawHTTPClient, _ path: String, timeout: Duration = .seconds(5), _ condition: (RawHTTPClient.Response) -> Bool)
        async throws -> RawHTTPClient.Response
    {
        var response = try await client.get(path)
        try await eventually(within: timeout, every: .milliseconds(50)) {
            response = try await client.get(path)
            return condition(response)
        }
        return response
    }
}

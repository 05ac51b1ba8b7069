import Foundation
import SwellTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults that need a real process: a user who cannot read a file, and a stop signal while
/// clients are hammering the server.
@Suite struct FaultProcessTests {
    /// Root reads every file, so this runs swell as `nobody` through setpriv.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anUnreadableFileGets403AndTheRestIsServed() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>", "secret.txt": "SECRET", "open.txt": "open"])
        chmod(site.path, 0o755)
        chmod(site.root.appendingPathComponent("secret.txt").path, 0o000)
        let swell = try SwellProcess(
            [site.path, "-p", "0", "--no-reload"],
            prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        )
        defer { swell.signal(SIGKILL) }
        guard let port = try? await swell.port(timeout: 10) else {
            // The binary itself may be out of reach for `nobody` (a private build folder): nothing to assert then.
            #expect(swell.errorOutput.contains("ermission") || swell.errorOutput.isEmpty)
            return
        }
        let secret = try await HTTP.get(port: port, "/secret.txt")
        #expect(secret.hasPrefix("HTTP/1.1 403 "))
        #expect(secret.contains("not readable"))
        #expect(!secret.contains("SECRET"))
        let open = try await HTTP.get(port: port, "/open.txt")
        #expect(open.hasPrefix("HTTP/1.1 200 "))
        #expect(open.hasSuffix("open"))
        swell.signal(SIGTERM)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    /// SIGTERM while eight clients send requests as fast as they can and ten event streams
    /// are open: every response that started is complete (never a truncated body), and the
    /// process exits 0 within the two seconds the SPEC allows.
    @Test func sigtermUnderLoadExitsCleanlyWithEveryResponseWhole() async throws {
        let body = String(repeating: "x", count: 1024)
        let site = try TemporarySite(["index.html": "<h1>hello</h1>", "1k.txt": body])
        let swell = try SwellProcess([site.path, "-p", "0"])
        let port = try await swell.port()
        var streams: [Int32] = []
        for _ in 0..<10 { streams.append(try await HTTP.openStream(port: port, "/__swell/events")) }
        defer { streams.forEach { close($0) } }

        let counts = LoadCounts()
        let workers = (0..<8).map { _ in
            Task.detached {
                try await HTTP.onThread {
                    let deadline = Date().addingTimeInterval(15)
                    while !counts.stop.load(ordering: .relaxed), Date() < deadline {
                        guard let fd = try? HTTP.connect(port: port) else { return }  // refused: the server is gone
                        defer { close(fd) }
                        let request = "GET /1k.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        guard request.withCString({ write(fd, $0, strlen($0)) }) > 0 else { continue }
                        var received: [UInt8] = []
                        var buffer = [UInt8](repeating: 0, count: 4096)
                        while true {
                            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                            if n <= 0 { break }
                            received.append(contentsOf: buffer[0..<n])
                        }
                        // Nothing at all is a connection the server closed before answering: fine.
                        guard !received.isEmpty else { continue }
                        let text = String(decoding: received, as: UTF8.self)
                        if text.hasPrefix("HTTP/1.1 200 ") && text.hasSuffix("\r\n\r\n" + body) {
                            counts.complete.add(1, ordering: .relaxed)
                        } else {
                            counts.truncated.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        // Load first, then the signal in the middle of it.
        await eventually(within: .seconds(10), every: .milliseconds(20)) { counts.complete.load(ordering: .relaxed) >= 200 }
        let servedBefore = counts.complete.load(ordering: .relaxed)
        let start = Date()
        swell.signal(SIGTERM)
        let code = await swell.exitCode(within: 5)
        let seconds = Date().timeIntervalSince(start)
        counts.stop.store(true, ordering: .relaxed)
        for worker in workers { _ = try? await worker.value }

        #expect(servedBefore >= 200, "the load never got going")
        #expect(code == 0)
        #expect(seconds < 2.0, "took \(seconds) s")
        #expect(counts.truncated.load(ordering: .relaxed) == 0, "\(counts.truncated.load(ordering: .relaxed)) responses were cut short")
    }

    /// Shared by the load threads (Atomics cannot be captured directly).
    final class LoadCounts: Sendable {
        let stop = Atomic<Bool>(false)
        let complete = Atomic<Int>(0)
        let truncated = Atomic<Int>(0)
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct CommandLineTests {
    @Test func printsTheBaseURLFirstAndServesTheFolder() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "--port", "0"])
        let url = try await swell.baseURL()
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(url.hasSuffix("/"))
        let firstHTTPLine = swell.output.split(separator: "\n").first { $0.contains("http://") }
        #expect(firstHTTPLine?.contains(url) == true)
        let response = try await HTTP.get(port: try await swell.port(), "/")
        #expect(response.hasPrefix("HTTP/1.1 200"))
        #expect(response.contains("<h1>hello</h1>"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func exitsZeroWithinTwoSecondsWithStreamsOpen(signal: Int32) async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0"])
        let port = try await swell.port()
        var streams: [Int32] = []
        for _ in 0..<2 { streams.append(try await HTTP.openStream(port: port, "/stream")) }
        for _ in 0..<2 { streams.append(try await HTTP.openStream(port: port, "/__swell/events")) }
        defer { streams.forEach { close($0) } }
        let start = Date()
        swell.signal(signal)
        let code = await swell.exitCode(within: 4)
        #expect(code == 0)
        #expect(Date().timeIntervalSince(start) < 2.0)
    }

    @Test func missingRootExits1NamingTheFolder() async throws {
        let swell = try SwellProcess(["/nonexistent/swell-missing-root", "-p", "0"])
        #expect(await swell.exitCode(within: 10) == 1)
        let firstLine = swell.errorOutput.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains("/nonexistent/swell-missing-root"))
        #expect(firstLine.contains("swell PATH"))
        #expect(!swell.output.contains("http://"))
    }

    @Test func missingWatchFolderExits1NamingIt() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--watch", "/nonexistent/templates"])
        #expect(await swell.exitCode(within: 10) == 1)
        #expect(swell.errorOutput.contains("--watch folder /nonexistent/templates"))
    }

    @Test func fileAsRootExits1() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.root.appendingPathComponent("index.html").path, "-p", "0"])
        #expect(await swell.exitCode(within: 10) == 1)
        #expect(swell.errorOutput.contains("is a file, not a folder"))
    }

    @Test(arguments: [["--port", "abc"], ["--bogus"], ["--wait", "-5"], ["--port", "70000"], ["--quiet", "--verbose"], ["a", "b"]])
    func badUsageExits64WithTheErrorFirst(arguments: [String]) async throws {
        let swell = try SwellProcess(arguments)
        #expect(await swell.exitCode(within: 10) == 64)
        let lines = swell.errorOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error:") == true)
        // Then only what swift-argument-parser adds: the option's help line, the usage line, the pointer to --help.
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("Help:") || $0.hasPrefix("Usage:") || $0.contains("--help") })
        #expect(!swell.output.contains("http://"))
    }

    @Test func busyExplicitPortExits1NamingTheFix() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let first = try SwellProcess([site.path, "-p", "0"])
        let port = try await first.port()
        let second = try SwellProcess([site.path, "--port", String(port)])
        #expect(await second.exitCode(within: 10) == 1)
        #expect(second.errorOutput.contains("port \(port)"))
        #expect(second.errorOutput.contains("--port"))
        first.signal(SIGINT)
        #expect(await first.exitCode(within: 5) == 0)
    }

    @Test func helpExplainsEveryOption() async throws {
        let swell = try SwellProcess(["--help"])
        #expect(await swell.exitCode(within: 10) == 0)
        for option in [
            "--port", "--host", "--no-reload", "--wait", "--ignore", "--watch", "--poll", "--spa", "--open", "--cors",
            "--allow-host", "--stream-interval", "--no-stream", "--quiet", "--verbose", "--version", "--help",
        ] {
            #expect(swell.output.contains(option), "--help does not mention \(option)")
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        let swell = try SwellProcess(["--version"])
        #expect(await swell.exitCode(within: 10) == 0)
        #expect(swell.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func openWithoutXdgOpenWarnsAndKeepsServing() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--open"], environment: ["PATH": "/nonexistent"])
        let port = try await swell.port()
        #expect(try await HTTP.get(port: port, "/").hasPrefix("HTTP/1.1 200"))
        #expect(swell.errorOutput.contains("xdg-open"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    @Test func openHandsTheURLToXdgOpenAndReapsIt() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let tools = try TemporarySite([:])  // outside the served folder: Swell must not write inside it
        let record = tools.path + "/opened.txt"
        let opener = tools.path + "/xdg-open"
        try "#!/bin/sh\necho \"$1\" > \(record)\n".write(toFile: opener, atomically: true, encoding: .utf8)
        chmod(opener, 0o755)
        let swell = try SwellProcess([site.path, "-p", "0", "--open"], environment: ["PATH": tools.path + ":/usr/bin:/bin"])
        let url = try await swell.baseURL()
        var opened: String?
        var zombies: [String] = []
        await eventually(within: .seconds(10), every: .milliseconds(20)) {
            opened = try? String(contentsOfFile: record, encoding: .utf8)
            // The opener has exited once it wrote; it must not linger as a zombie child of swell.
            zombies = Self.children(of: swell.pid).filter { $0.state == "Z" }.map(\.pid)
            return opened != nil && zombies.isEmpty
        }
        #expect(opened?.trimmingCharacters(in: .whitespacesAndNewlines) == url)
        #expect(zombies.isEmpty)
        #expect(!swell.errorOutput.contains("xdg-open"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    /// The processes whose parent is `pid`, with their state letter from `/proc/PID/stat`.
    private static func children(of pid: Int32) -> [(pid: String, state: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard entry.allSatisfy(\.isNumber), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, fields[1] == String(pid) else { return nil }
            return (entry, String(fields[0]))
        }
    }

    @Test func wildcardHostPrintsLoopbackFirstAndDropsTheHostCheck() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--host", "0.0.0.0"])
        let url = try await swell.baseURL()
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let port = try await swell.port()
        for line in swell.output.split(separator: "\n") where line.contains("Network:") {
            #expect(line.contains("http://") && line.contains(":\(port)/"))
        }
        #expect(try await HTTP.get(port: port, "/", host: "mylaptop.lan:\(port)").hasPrefix("HTTP/1.1 200"))
        swell.signal(SIGTERM)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    @Test func loopbackBindRefusesForeignHosts() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0"])
        let port = try await swell.port()
        let response = try await HTTP.get(port: port, "/", host: "rebind.evil.com")
        #expect(response.hasPrefix("HTTP/1.1 403"))
        #expect(response.contains("--allow-host rebind.evil.com"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    /// Root ignores file permissions, so this runs swell as `nobody` through setpriv.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func unreadableRootExits1NamingTheFolder() async throws {
        let site = try TemporarySite(["index.html": "<h1>hello</h1>"])
        chmod(site.path, 0o700)
        let swell = try SwellProcess(
            [site.path, "-p", "0"],
            prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        )
        let code = await swell.exitCode(within: 10)
        if swell.errorOutput.contains("Permission denied") && swell.errorOutput.contains("swell: error") {
            #expect(code == 1)
            #expect(swell.errorOutput.contains(site.path))
        } else {
            // The binary itself may be unreachable for `nobody` (a private build folder): nothing to assert then.
            #expect(code != 0 || swell.output.contains("http://") == false)
        }
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `swell.toml`, `--config`, `--print-config`, `--header` and `--open=PATH`, through the built
/// binary: what a user types and what they then see on stdout, stderr and the wire.
@Suite struct ConfigFileProcessTests {
    /// A project folder: `swell.toml` at its top, the site in `public/`.
    func project(_ toml: String, files: [String: String] = [:]) throws -> TemporarySite {
        var all = ["public/index.html": "<h1>public</h1>", "public/docs/index.html": "<h1>docs</h1>", "swell.toml": toml]
        all.merge(files) { $1 }
        return try TemporarySite(all)
    }

    func finished(_ swell: SwellProcess) async -> Int32? {
        await swell.exitCode(within: 10)
    }

    @Test func theFileSetsOptionsRelativeToItselfAndTheCommandLineWins() async throws {
        let site = try project(
            """
            root = "public"
            spa = true
            header = ["X-From-File: 1", "Cross-Origin-Opener-Policy: same-origin"]
            cors = true
            """
        )
        // Started from another folder with --config: `root` is relative to the file, not to the working directory.
        let swell = try SwellProcess(["--config", site.path + "/swell.toml", "-p", "0", "--no-spa", "--header", "X-From-Flag: 2"], in: "/tmp")
        let port = try await swell.port()
        let page = try await HTTP.get(port: port, "/")
        #expect(page.contains("<h1>public</h1>"))
        // A list on the command line replaces the file's.
        #expect(page.contains("X-From-Flag: 2"))
        #expect(!page.contains("X-From-File"))
        // The file's cors stays: the command line did not say.
        #expect(page.contains("Access-Control-Allow-Origin: *"))
        // --no-spa beats spa = true: an unknown path is a 404, not index.html.
        #expect(try await HTTP.get(port: port, "/some/route").hasPrefix("HTTP/1.1 404"))
        // The banner names the file and its keys, and warns about cors.
        #expect(swell.output.contains("Config:  \(site.path)/swell.toml sets root, spa (overridden), cors, header (overridden)"))
        #expect(swell.output.contains("Warning: \(site.path)/swell.toml sets cors = true"))
        swell.signal(SIGINT)
        #expect(await finished(swell) == 0)
    }

    @Test func swellTomlInTheWorkingFolderIsReadAndNeverServed() async throws {
        let site = try TemporarySite(["index.html": "<h1>home</h1>", "swell.toml": "header = \"X-Project: yes\"\n"])
        let swell = try SwellProcess(["-p", "0"], in: site.path)
        let port = try await swell.port()
        #expect(try await HTTP.get(port: port, "/").contains("X-Project: yes"))
        let config = try await HTTP.get(port: port, "/swell.toml")
        #expect(config.hasPrefix("HTTP/1.1 404"))
        #expect(!config.contains("X-Project: yes\n"), "the file's text is not in the answer")
        // Nor by another name: a symlink to it, nor in the listing.
        try site.mkdir("sub")
        try site.symlink("sub/settings.txt", to: "../swell.toml")
        #expect(try await HTTP.get(port: port, "/sub/settings.txt").hasPrefix("HTTP/1.1 404"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("index.html"))
        #expect(!(try await HTTP.get(port: port, "/")).contains("swell.toml"))
        swell.signal(SIGINT)
        #expect(await finished(swell) == 0)
    }

    @Test func printConfigShowsWhatIsSetAndEveryDefaultAndReadsBackTheSame() async throws {
        let site = try project("port = 8123\nwait = 120\nwatch = [\"templates\"]\nopen = \"/docs/\"\n")
        let first = try SwellProcess(["--config", site.path + "/swell.toml", "--print-config", "--cors"], in: "/tmp")
        #expect(await finished(first) == 0)
        let printed = first.output
        #expect(printed.contains("\nport = 8123\n"))
        #expect(printed.contains("\nwait = 120\n"))
        #expect(printed.contains("\nwatch = [\"\(site.path)/templates\"]\n"))
        #expect(printed.contains("\nopen = \"/docs/\"\n"))
        #expect(printed.contains("\ncors = true\n"))
        #expect(printed.contains("\n# host = \"127.0.0.1\"\n"))
        #expect(printed.contains("\n# reload = true\n"))
        #expect(printed.contains("\n# wait = \"auto\"\n") == false)
        // Read back from anywhere, it prints itself.
        let copy = site.container.appendingPathComponent("printed.toml").path
        try printed.write(toFile: copy, atomically: false, encoding: .utf8)
        let second = try SwellProcess(["--config", copy, "--print-config"], in: "/")
        #expect(await finished(second) == 0)
        #expect(second.output == printed)
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let toml: String
        let message: String
    }

    @Test(arguments: [
        BadFile(
            testDescription: "unknown key",
            toml: "port = 1\nprot = 5000\n",
            message: "swell.toml:2: unknown key \"prot\" (did you mean \"port\"?)"
        ),
        BadFile(testDescription: "wrong type", toml: "# comment\n\nport = \"80\"\n", message: "swell.toml:3: \"port\" must be an integer"),
        BadFile(testDescription: "list of the wrong type", toml: "ignore = [1, 2]\n", message: "swell.toml:1: \"ignore\" must be a list of strings"),
        BadFile(testDescription: "syntax error", toml: "port = 1\nspa = \n", message: "swell.toml:2: not valid TOML"),
        BadFile(testDescription: "value out of range", toml: "\npoll = 5\n", message: "swell.toml:2 (poll) must be at least 10 milliseconds"),
        BadFile(testDescription: "reserved header", toml: "header = [\"Content-Length: 5\"]\n", message: "--header Content-Length cannot be set"),
    ])
    func aBadConfigFileExits64NamingFileLineAndKey(bad: BadFile) async throws {
        let site = try TemporarySite(["index.html": "x", "swell.toml": bad.toml])
        let swell = try SwellProcess(["-p", "0"], in: site.path)
        #expect(await finished(swell) == 64)
        let firstLine = swell.errorOutput.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("Error: "), "\(swell.errorOutput)")
        #expect(firstLine.contains(bad.message), "\(swell.errorOutput)")
        #expect(!swell.output.contains("http://"))
    }

    @Test(arguments: [
        (["--config", "/nonexistent/swell.toml"], "/nonexistent/swell.toml: cannot read the config file"),
        (["--header", "no colon here"], "is not \"Name: value\""),
        (["--header", "Transfer-Encoding: chunked"], "--header Transfer-Encoding cannot be set"),
        (["--header", "Bad Name: x"], "is not a valid header name"),
        (["--open=docs"], "takes a URL path that starts with /"),
        (["--wait", "soon"], "--wait"),
    ])
    func badOptionsExit64WithTheReasonFirst(arguments: [String], message: String) async throws {
        let site = try TemporarySite(["index.html": "x"])
        let swell = try SwellProcess([site.path, "-p", "0"] + arguments, in: site.container.path)
        #expect(await finished(swell) == 64)
        let firstLine = swell.errorOutput.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains(message), "\(swell.errorOutput)")
    }

    @Test func openWithAPathOpensThatPageAndLeavesRootAlone() async throws {
        let site = try TemporarySite(["index.html": "x", "docs/index.html": "d"])
        let tools = site.container.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let record = site.container.appendingPathComponent("opened.txt").path
        let opener = tools.appendingPathComponent("xdg-open").path
        try "#!/bin/sh\necho \"$1\" > \(record)\n".write(toFile: opener, atomically: false, encoding: .utf8)
        chmod(opener, 0o755)
        let swell = try SwellProcess(["--open=/docs/", site.path, "-p", "0"], environment: ["PATH": tools.path + ":/usr/bin:/bin"])
        let url = try await swell.baseURL()
        // The shell creates the file before it writes the line: wait for the whole line.
        let opened = await eventually(within: .seconds(10), every: .milliseconds(20)) {
            (try? String(contentsOfFile: record, encoding: .utf8)).flatMap { $0.hasSuffix("\n") ? $0 : nil }
        }
        #expect(opened?.trimmingCharacters(in: .whitespacesAndNewlines) == url + "docs/")
        #expect(swell.output.contains("Serving: \(site.path)"))
        swell.signal(SIGINT)
        #expect(await finished(swell) == 0)
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--exec` with the real site builders a user pairs with Swell: Debian's hugo and PyPI's
/// mkdocs (`Scripts/test` installs both).
@Suite(.serialized) struct RealToolBuildTests {
    static func installed(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    static let goodTemplate = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n"

    static func hugoSite() throws -> TemporarySite {
        let site = try TemporarySite([
            "config.toml": "baseURL = \"http://localhost/\"\ntitle = \"t\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
            "layouts/_default/baseof.html":
                "<html><head><link rel=\"stylesheet\" href=\"/style.css\"></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
            "layouts/_default/single.html": goodTemplate,
            "layouts/index.html":
                "{{ define \"main\" }}<h1>home</h1>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}\n",
            "static/style.css": "h1 { color: red }\n",
            "content/post.md": "---\ntitle: Post\n---\nHello **world**\n",
        ])
        return site
    }

    /// The stream's text once `needle` arrived; on a timeout, what swell printed is recorded too.
    func next(_ needle: String, on stream: StreamConnection, from swell: SwellProcess) async throws -> String {
        do {
            return try await stream.waitFor(needle, timeout: 30)
        } catch {
            Issue.record("\(needle) never came; swell's stderr: \(swell.errorOutput)")
            throw error
        }
    }

    /// `swell site --exec "mkdocs build --quiet"` in a project of `files`, once its first build
    /// is done, with a live-reload stream open; stopped with Ctrl-C afterwards (exit 0 expected).
    func withMkdocs(
        _ files: [String: String],
        _ body: (_ site: TemporarySite, _ swell: SwellProcess, _ port: Int, _ stream: StreamConnection) async throws -> Void
    ) async throws {
        let site = try TemporarySite(files)
        let swell = try SwellProcess(["site", "-p", "0", "--exec", "mkdocs build --quiet"], in: site.root.path)
        defer { swell.signal(SIGKILL) }
        let port = try await swell.port()
        let stream = try await streamAfterTheFirstBuild(port, swell)
        try await body(site, swell, port, stream)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    /// The event stream once the first build's batch has gone out (`BuildProject.firstBuildIsOut`).
    func streamAfterTheFirstBuild(_ port: Int, _ swell: SwellProcess) async throws -> StreamConnection {
        #expect(await BuildProject.firstBuildIsOut(port: port, within: .seconds(30)), "\(swell.errorOutput)")
        let stream = try await RawHTTPClient(port: port).openStream("/__swell/events")
        _ = try await stream.waitFor("event: hello")
        return stream
    }

    @Test(.enabled(if: installed("hugo"), "needs hugo (Scripts/test installs it)"))
    func hugoEditReloadsOnceWithTheNewContentAndATemplateErrorNamesItsLine() async throws {
        let site = try Self.hugoSite()
        let swell = try SwellProcess(["public", "-p", "0", "--exec", "hugo --quiet"], in: site.root.path)
        defer { swell.signal(SIGKILL) }
        let port = try await swell.port()
        let stream = try await streamAfterTheFirstBuild(port, swell)

        try site.write("content/post.md", "---\ntitle: Post\n---\nHello **again**\n")
        let text = try await next("event: reload", on: stream, from: swell)
        // hugo rewrote every page; only the post's bytes changed.
        #expect(text.contains("\"paths\":[\"/post/\"") || text.contains("\"paths\":[\"/post/index.html\"]"), "\(text)")
        #expect(try await RawHTTPClient(port: port).get("/post/").text.contains("<strong>again</strong>"))

        try site.write("content/post.md", "---\ntitle: Post\n---\nHello **again**\n")
        try site.write("static/style.css", "h1 { color: blue }\n")
        let update = try await next("event: update", on: stream, from: swell)
        #expect(update.contains("{\"paths\":[\"/style.css\"]}"), "\(update)")

        try site.write("layouts/_default/single.html", "{{ define \"main\" }}<h1>{{ .Title }</h1>{{ end }}\n")
        let failed = try await next("\"state\":\"failed\"", on: stream, from: swell)
        #expect(failed.contains("\"file\":\"layouts/_default/single.html\",\"line\":1"), "\(failed)")

        try site.write("layouts/_default/single.html", Self.goodTemplate)
        // The fix is the fifth build: one at start, then one per edit above.
        let fixed = try await next("\"state\":\"ok\",\"run\":5", on: stream, from: swell)
        _ = try await stream.waitFor("event: reload", timeout: 10)
        #expect(fixed.contains("\"state\":\"ok\",\"run\":5"))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 5) == 0)
    }

    @Test(.enabled(if: installed("mkdocs"), "needs mkdocs (Scripts/test installs it)"))
    func mkdocsRebuildingItsWholeOutputReloadsOnceAndNever503s() async throws {
        try await withMkdocs(["mkdocs.yml": "site_name: Demo\n", "docs/index.md": "# Welcome\n\nFirst version.\n"]) { site, _, port, stream in
            try site.write("docs/index.md", "# Welcome\n\nSecond version.\n")
            // Poll pages while mkdocs deletes and re-creates site/: navigations wait, nothing is a 503.
            let polling = Task {
                var statuses: [Int] = []
                while !Task.isCancelled {
                    if let response = try? await RawHTTPClient(port: port).get("/", headers: ["Accept": "text/html"], timeout: 35) {
                        statuses.append(response.status)
                    }
                }
                return statuses
            }
            let text = try await stream.waitFor("event: reload", timeout: 30)
            polling.cancel()
            let statuses = await polling.value
            #expect(!statuses.contains(503), "\(statuses)")
            #expect(text.components(separatedBy: "event: reload").count == 2, "\(text)")
            #expect(try await RawHTTPClient(port: port).get("/").text.contains("Second version."))
        }
    }

    @Test(.enabled(if: installed("mkdocs"), "needs mkdocs (Scripts/test installs it)"))
    func aStylesheetEditInAnMkdocsProjectIsSwappedInPlaceNotAReload() async throws {
        // mkdocs stamps every page with its build time; Swell gives each build the same one.
        let files = [
            "mkdocs.yml": "site_name: Demo\nextra_css: [extra.css]\n",
            "docs/index.md": "# Welcome\n",
            "docs/extra.css": "h1 { color: red }\n",
        ]
        try await withMkdocs(files) { site, swell, port, stream in
            // A second of wall time between the builds, so that a build date that moved would show.
            try await Task.sleep(for: .milliseconds(1100))
            try site.write("docs/extra.css", "h1 { color: blue }\n")
            let text = try await next("event: update", on: stream, from: swell)
            #expect(text.contains("/extra.css"), "\(text)")
            #expect(!text.contains("event: reload"), "no page changed its bytes: \(text)")
            #expect(try await RawHTTPClient(port: port).get("/extra.css").text.contains("blue"))
        }
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The build overlay in headless Chromium: shown with the error as text, shown at once on a
/// page opened while the build is failed, gone with a reload on the fix, under a strict CSP.
@Suite(.serialized, .enabled(if: WebDriver.isAvailable, "needs chromium and chromium-driver (Scripts/test installs them)"))
struct BuildBrowserTests {
    static func page(_ heading: String, prelude: String = "") -> String {
        "<!doctype html><html><head>\(prelude.isEmpty ? "" : "<script>\(prelude)</script>")</head><body><h1>\(heading)</h1></body></html>"
    }

    /// The three ways tabs share a stream, forced as `TabSharingBrowserTests` does.
    static let modes = [
        "": "shared-worker", "delete window.SharedWorker;": "leader", "delete window.SharedWorker; delete window.BroadcastChannel;": "page",
    ]
    static let overlayText = "return (document.querySelector('swell-error-overlay')?.shadowRoot?.textContent) || ''"
    static let excerptSource = "<p>first</p>\n<i>second</i> line\n<u>third</u>\n"

    func withBuild(_ extra: [String] = [], prelude: String = "", _ body: (WebDriver, BuildProject, Int) async throws -> Void) async throws {
        // page.html is the file the failing build's diagnostic names (line 2): its excerpt shows.
        let project = try BuildProject(files: ["index.html": Self.page("one", prelude: prelude), "page.html": Self.excerptSource])
        let swell = try project.serve(extra)
        let port = try await swell.port()
        try await WebDriver.session(on: swell) { browser in
            try await browser.open("http://127.0.0.1:\(port)/")
            #expect(try await browser.waitUntil("return !!(window.__swell && window.__swell.instance)"), "the client never connected")
            try await body(browser, project, port)
        }
    }

    func checkOverlayCycle(_ browser: WebDriver, _ project: BuildProject, _ port: Int, prelude: String = "") async throws {
        _ = try await browser.run("window.__marker = 1; return true")
        try project.write("src/fail", "x")
        #expect(try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')"), "no overlay")
        let text = try await browser.run(Self.overlayText) as? String ?? ""
        #expect(text.contains("Build failed (exit 3)"), "\(text)")
        #expect(text.contains("src/page.html:2:5"), "\(text)")
        // The markup in the error is text: no <b> element was made from it.
        #expect(text.contains("<b>unclosed</b> tag"), "\(text)")
        #expect(try await browser.run("return document.querySelector('swell-error-overlay').shadowRoot.querySelector('b') === null") as? Bool == true)
        // The named file's lines around the error, numbered, line 2 marked, markup as text.
        let shadow = "document.querySelector('swell-error-overlay').shadowRoot"
        let marked = try await browser.run("return \(shadow).querySelector('pre.code .hit')?.textContent || ''") as? String
        #expect(marked == "2 │ <i>second</i> line", "\(text)")
        #expect(text.contains("1 │ <p>first</p>") && text.contains("3 │ <u>third</u>"), "\(text)")
        #expect(try await browser.run("return \(shadow).querySelector('i, u, p') === null") as? Bool == true)
        #expect(try await browser.run("return window.__marker") as? Int == 1, "a failed build must not reload the page")

        // A page opened while the build is failed shows it at once.
        let first = try await browser.currentTab()
        _ = try await browser.openTab("http://127.0.0.1:\(port)/")
        #expect(try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')"), "no overlay on a new page")
        try await browser.closeTab()
        try await browser.switchTo(first)

        try project.remove("src/fail")
        try project.write("src/index.html", Self.page("fixed", prelude: prelude))
        #expect(try await browser.waitUntil("return document.querySelector('h1') && document.querySelector('h1').textContent === 'fixed'"))
        #expect(try await browser.run("return window.__marker === undefined && !document.querySelector('swell-error-overlay')") as? Bool == true)
    }

    @Test(arguments: modes.keys.sorted())
    func aFailedBuildShowsItsOutputOverThePageAndTheFixReloadsIt(prelude: String) async throws {
        try await withBuild(prelude: prelude) { browser, project, port in
            #expect(try await browser.run("return window.__swell.mode") as? String == Self.modes[prelude])
            try await checkOverlayCycle(browser, project, port, prelude: prelude)
        }
    }

    @Test func theOverlayWorksUnderAStrictContentSecurityPolicy() async throws {
        try await withBuild(["--header", "Content-Security-Policy: default-src 'self'"]) { browser, project, port in
            try await checkOverlayCycle(browser, project, port)
            // Styled by the constructed sheet (style-src does not govern it): fixed over the page.
            try project.write("src/fail", "x")
            #expect(try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')"))
            let position = try await browser.run("return getComputedStyle(document.querySelector('swell-error-overlay')).position") as? String
            #expect(position == "fixed")
        }
    }

    @Test func escapeHidesTheOverlayForThatRunAcrossReloads() async throws {
        try await withBuild { browser, project, port in
            try project.write("src/fail", "x")
            #expect(try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')"))
            // Under load the file's creation and its bytes can reach Swell in two batches, and
            // the second queues one more (failing) run: dismiss the last run, once builds rest.
            var lastRun = 0
            let rested = await eventually(within: .seconds(15)) {
                guard let status = try? await HTTP.get(port: port, "/__swell/status"), status.contains("\"state\":\"failed\""),
                    let runs = status.firstMatch(of: /"runs":(\d+)/).flatMap({ Int($0.1) })
                else { return false }
                lastRun = runs
                return true
            }
            #expect(rested, "the build never settled as failed")
            #expect(try await browser.waitUntil("return document.querySelector('swell-error-overlay')?.__swellStatus?.run === \(lastRun)"))
            _ = try await browser.run("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})); return true")
            #expect(try await browser.waitUntil("return !document.querySelector('swell-error-overlay')"))
            _ = try await browser.run("location.reload(); return true")
            #expect(try await browser.waitUntil("return !!(window.__swell && window.__swell.instance)"))
            // hello said "failed" again; the run was dismissed, so the overlay stays away.
            let stays = try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')", timeout: .milliseconds(800))
            #expect(!stays)
        }
    }

    @Test func aSlowBuildShowsTheBuildingBadge() async throws {
        try await withBuild { browser, project, _ in
            try project.setSlow(1.5)
            try project.write("src/index.html", Self.page("slow"))
            #expect(try await browser.waitUntil("return !!document.querySelector('swell-build-badge')"), "no badge")
            let label = try await browser.run("return document.querySelector('swell-build-badge').shadowRoot.textContent") as? String
            #expect(label == "building…")
            #expect(try await browser.waitUntil("return document.querySelector('h1') && document.querySelector('h1').textContent === 'slow'"))
            try project.setSlow(nil)
        }
    }
}

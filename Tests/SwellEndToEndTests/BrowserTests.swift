import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What only a real browser can show: headless Chromium on a page served by the built `swell`.
/// A marker set in the page survives an in-place update and is gone after a reload.
@Suite(.serialized, .enabled(if: WebDriver.isAvailable, "needs chromium and chromium-driver (Scripts/test installs them)"))
struct BrowserTests {
    static let page = """
        <!doctype html>
        <html><head><link rel="stylesheet" href="/style.css"></head>
        <body><h1>first</h1><img id="logo" src="/logo.svg">
        <script>sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)</script>
        </body></html>
        """

    static func svg(width: Int) -> String {
        "<svg xmlns='http://www.w3.org/2000/svg' width='\(width)' height='10'><rect width='\(width)' height='10' fill='teal'/></svg>"
    }

    static let files = ["index.html": page, "style.css": "h1 { color: rgb(255, 0, 0); }", "logo.svg": svg(width: 40)]

    func withBrowser(_ body: (WebDriver, SwellProcess, TemporarySite, Int) async throws -> Void) async throws {
        let site = try TemporarySite(Self.files)
        let swell = try SwellProcess([site.path, "-p", "0", "--wait", "30"])
        let port = try await swell.port()
        try await WebDriver.session(on: swell) { browser in
            try await browser.open("http://127.0.0.1:\(port)/")
            #expect(try await browser.waitUntil("return !!(window.__swell && window.__swell.instance)"), "the client never connected")
            _ = try await browser.run("window.__marker = 1; return true")
            try await body(browser, swell, site, port)
        }
    }

    @Test func editingThePageReloadsIt() async throws {
        try await withBrowser { browser, _, site, _ in
            try Data(Self.page.replacingOccurrences(of: "first", with: "second").utf8).write(to: site.root.appendingPathComponent("index.html"))
            #expect(try await browser.waitUntil("return document.querySelector('h1').textContent === 'second'"))
            #expect(try await browser.run("return window.__marker === undefined") as? Bool == true)
        }
    }

    @Test func editingAStylesheetSwapsItWithoutAReload() async throws {
        try await withBrowser { browser, _, site, _ in
            try Data("h1 { color: rgb(0, 0, 255); }".utf8).write(to: site.root.appendingPathComponent("style.css"))
            #expect(try await browser.waitUntil("return getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 0, 255)'"))
            #expect(try await browser.waitUntil("return document.querySelectorAll('link[rel=stylesheet]').length === 1"))
            #expect(try await browser.run("return window.__marker") as? Int == 1)
            #expect(try await browser.run("return sessionStorage.loads") as? String == "1")
        }
    }

    @Test func replacingAnImageShowsItWithoutAReload() async throws {
        try await withBrowser { browser, _, site, _ in
            #expect(try await browser.waitUntil("return document.getElementById('logo').naturalWidth === 40"))
            try Data(Self.svg(width: 90).utf8).write(to: site.root.appendingPathComponent("logo.svg"))
            #expect(try await browser.waitUntil("return document.getElementById('logo').naturalWidth === 90"))
            #expect(try await browser.run("return window.__marker") as? Int == 1)
        }
    }

    @Test func aRestartedServerReloadsThePageExactlyOnce() async throws {
        try await withBrowser { browser, swell, site, port in
            let firstInstance = try await browser.run("return window.__swell.instance") as? String
            swell.signal(SIGINT)
            #expect(await swell.exitCode(within: 5) == 0)
            let restarted = try SwellProcess([site.path, "-p", String(port)])
            defer {
                restarted.signal(SIGINT)
            }
            _ = try await restarted.port()
            #expect(try await browser.waitUntil("return sessionStorage.loads === '2' && !!window.__swell && !!window.__swell.instance"))
            let secondInstance = try await browser.run("return window.__swell.instance") as? String
            #expect(secondInstance != nil && secondInstance != firstInstance)
            // Once connected to the new instance, nothing reloads again: an update still swaps in place.
            _ = try await browser.run("window.__marker = 2; return true")
            try Data("h1 { color: rgb(0, 128, 0); }".utf8).write(to: site.root.appendingPathComponent("style.css"))
            #expect(try await browser.waitUntil("return getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 128, 0)'"))
            #expect(try await browser.run("return window.__marker") as? Int == 2)
            #expect(try await browser.run("return sessionStorage.loads") as? String == "2")
            _ = await restarted.exitCode(within: 5)
        }
    }
}

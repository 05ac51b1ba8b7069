import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `Examples/TinySite`, a generator that embeds SwellKit, in headless Chromium: an edit is one
/// reload with the new page, broken front matter is the overlay with its file and line.
/// `Scripts/test` builds the example and sets `TINYSITE_BINARY`.
@Suite(.serialized, .enabled(if: BuildBrowserTests.tinySite != nil && WebDriver.isAvailable, "needs TINYSITE_BINARY and chromium"))
struct TinySiteBrowserTests {
    @Test func editingMarkdownReloadsOnceAndBrokenFrontMatterShowsTheOverlay() async throws {
        let site = try TemporarySite(["content/index.md": "---\ntitle: Hello\n---\nFirst *version*.\n"])
        let port = try WebDriver.freePort()
        let tiny = try SwellProcess([site.root.path, String(port)], executable: BuildBrowserTests.tinySite)
        _ = try await tiny.baseURL()
        try await WebDriver.session(on: tiny) { browser in
            try await browser.open("http://127.0.0.1:\(port)/index.html")
            #expect(try await browser.waitUntil("return !!(window.__swell && window.__swell.instance)"), "no live reload in \(tiny.output)")
            _ = try await browser.run("window.__marker = 1; sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1); return true")
            try site.write("content/index.md", "---\ntitle: Hello\n---\nSecond *version*.\n")
            #expect(try await browser.waitUntil("return document.body.textContent.includes('Second')"), "\(tiny.output)")
            #expect(try await browser.run("return window.__marker === undefined") as? Bool == true)
            // One reload: a second one would take this marker with it.
            _ = try await browser.run("window.__after = 1; return true")
            let reloadedAgain = try await browser.waitUntil("return window.__after === undefined", timeout: .milliseconds(600))
            #expect(!reloadedAgain)

            try site.write("content/index.md", "---\ntitle Hello\n---\nBroken.\n")
            #expect(try await browser.waitUntil("return !!document.querySelector('swell-error-overlay')"), "\(tiny.output)")
            let text = try await browser.run("return document.querySelector('swell-error-overlay').shadowRoot.textContent") as? String ?? ""
            #expect(text.contains("content/index.md:2"), "\(text)")

            try site.write("content/index.md", "---\ntitle: Hello\n---\nThird.\n")
            #expect(
                try await browser.waitUntil("return document.body.textContent.includes('Third') && !document.querySelector('swell-error-overlay')")
            )
        }
    }
}

extension BuildBrowserTests {
    /// The built `Examples/TinySite` executable, when `Scripts/test` built it.
    static var tinySite: String? {
        ProcessInfo.processInfo.environment["TINYSITE_BINARY"].flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium on a Flask backend's pages through `swell --proxy`: the tutorial's counter,
/// a template edit, a strict policy, a WebSocket, a backend restart.
@Suite(.serialized, .enabled(if: WebDriver.isAvailable, "needs chromium and chromium-driver (Scripts/test installs them)"))
struct ProxyBrowserTests {
    static let connected = "return !!(window.__swell && window.__swell.instance)"

    /// The backend's `/` reads its title from `title.txt` under the watched ROOT, as a template would be.
    func withProxiedPage(_ body: (WebDriver, TemporarySite, Int, FlaskBackend) async throws -> Void) async throws {
        let site = try TemporarySite(["title.txt": "first"])
        let backend = try await FlaskBackend(titleFile: site.path + "/title.txt")
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"])
        let port = try await swell.port()
        try await WebDriver.session(on: swell) { browser in
            try await body(browser, site, port, backend)
        }
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }

    @Test func theCounterCountsThroughSwellAndATemplateEditReloadsThePage() async throws {
        try await withProxiedPage { browser, site, port, _ in
            try await browser.open("http://127.0.0.1:\(port)/")
            #expect(try await browser.waitUntil(Self.connected), "the client never connected")
            #expect(
                try await browser.waitUntil("return Number(document.getElementById('count').textContent) >= 2"),
                "the backend's /stream did not count"
            )
            _ = try await browser.run("window.__marker = 1; return true")
            try site.write("title.txt", "second")
            #expect(try await browser.waitUntil("return document.getElementById('title').textContent === 'second'"))
            #expect(try await browser.run("return window.__marker === undefined") as? Bool == true, "it was a reload")
            #expect(try await browser.waitUntil("return Number(document.getElementById('count').textContent) >= 1"))
        }
    }

    @Test func aStrictNoncePolicyStillRunsTheClientAndThePagesOwnScript() async throws {
        try await withProxiedPage { browser, _, port, _ in
            try await browser.open("http://127.0.0.1:\(port)/csp-nonce")
            #expect(try await browser.waitUntil(Self.connected), "the client was blocked")
            #expect(try await browser.run("return document.title") as? String == "ran")
        }
    }

    @Test func aPagesWebSocketTalksToTheBackendThroughSwell() async throws {
        try await withProxiedPage { browser, _, port, _ in
            try await browser.open("http://127.0.0.1:\(port)/ws-page")
            #expect(try await browser.waitUntil(Self.connected), "the client was not injected")
            #expect(
                try await browser.waitUntil("return document.getElementById('echo').textContent === 'echo: from the page'"),
                "the page's WebSocket got no echo through the tunnel"
            )
        }
    }

    @Test func aPageLeftOnThe502ComesBackByItselfWhenTheBackendRestarts() async throws {
        try await withProxiedPage { browser, site, port, backend in
            let backendPort = backend.port
            await backend.stop()
            try await browser.open("http://127.0.0.1:\(port)/")
            #expect(try await browser.waitUntil("return document.body.textContent.includes('connection refused')"))
            #expect(try await browser.waitUntil(Self.connected), "the 502 page carries the client")
            let again = try await FlaskBackend(port: backendPort, titleFile: site.path + "/title.txt")
            #expect(
                try await browser.waitUntil("return document.getElementById('title') && document.getElementById('title').textContent === 'first'")
            )
            await again.stop()
        }
    }
}

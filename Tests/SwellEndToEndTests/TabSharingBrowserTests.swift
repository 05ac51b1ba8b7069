import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension BrowserTests {
    /// Many tabs of one site over plain HTTP/1.1, where Chromium allows six connections per
    /// host: the tabs share one event stream, so every tab live-reloads and new pages still load.
    /// The fallbacks are forced by pages that remove `SharedWorker` (and `BroadcastChannel`)
    /// before the injected client runs, as a browser without them would.
    @Suite struct TabSharing {
        static let noSharedWorker = "delete window.SharedWorker;"
        static let noSharing = "delete window.SharedWorker; delete window.BroadcastChannel;"

        static func page(_ title: String, prelude: String = "") -> String {
            """
            <!doctype html>
            <html><head><link rel="stylesheet" href="/style.css"></head>
            <body><h1>\(title)</h1><a id="next" href="/b.html">next</a>
            <script>\(prelude) sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)</script>
            </body></html>
            """
        }

        struct Fixture {
            let browser: WebDriver
            let swell: SwellProcess
            let site: TemporarySite
            let port: Int
            let prelude: String

            var url: String { "http://127.0.0.1:\(port)/" }

            func edit(_ title: String) throws {
                try Data(TabSharing.page(title, prelude: prelude).utf8).write(to: site.root.appendingPathComponent("index.html"))
            }

            /// Opens `count` tabs of the site (the first in the current one) and waits until each is connected.
            func openTabs(_ count: Int) async throws -> [String] {
                try await browser.open(url)
                var tabs = [try await browser.currentTab()]
                for _ in 1..<count { tabs.append(try await browser.openTab(url)) }
                let connected = try await waitInEvery(tabs, "return !!(window.__swell && window.__swell.instance)")
                #expect(connected, "not every tab connected")
                return tabs
            }

            /// Polls each tab in turn until `script` is true in all of them; false after `timeout`.
            func waitInEvery(_ tabs: [String], _ script: String, timeout: Duration = .seconds(30)) async throws -> Bool {
                var pending = tabs
                return try await eventually(within: timeout, every: .milliseconds(100)) {
                    var still: [String] = []
                    for tab in pending {
                        try await browser.switchTo(tab)
                        if try await browser.run(script) as? Bool != true { still.append(tab) }
                    }
                    pending = still
                    return pending.isEmpty
                }
            }

            func valuesInEvery(_ tabs: [String], _ script: String) async throws -> [String] {
                var values: [String] = []
                for tab in tabs {
                    try await browser.switchTo(tab)
                    values.append(String(describing: try await browser.run(script) ?? "nil"))
                }
                return values
            }

            func status() async throws -> [String: Any] {
                try await TabSharing.status(port: port)
            }

            /// Polls `/__swell/status` until `condition` holds; the last status either way.
            func waitForStatus(timeout: Duration = .seconds(10), _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
                var last = try await status()
                try await eventually(within: timeout, every: .milliseconds(50)) {
                    last = try await status()
                    return condition(last)
                }
                return last
            }
        }

        static func status(port: Int) async throws -> [String: Any] {
            let response = try await HTTP.get(port: port, "/__swell/status")
            let body = response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        }

        func withSite(prelude: String = "", _ body: (Fixture) async throws -> Void) async throws {
            let site = try TemporarySite([
                "index.html": Self.page("v0", prelude: prelude), "b.html": Self.page("b0", prelude: prelude),
                "style.css": "h1 { color: rgb(255, 0, 0); }",
            ])
            let swell = try SwellProcess([site.path, "-p", "0", "--wait", "30"])
            let port = try await swell.port()
            try await WebDriver.session(on: swell) { browser in
                try await body(Fixture(browser: browser, swell: swell, site: site, port: port, prelude: prelude))
            }
        }

        @Test func twentyTabsShareOneStreamAllReloadAndATwentyFirstPageStillLoads() async throws {
            try await withSite { site in
                let tabs = try await site.openTabs(20)
                #expect(Set(try await site.valuesInEvery(tabs, "return window.__swell.mode")) == ["shared-worker"])
                let before = try await site.waitForStatus { $0["pages"] as? Int == 20 }
                #expect(before["browsers"] as? Int == 1)
                #expect(before["pages"] as? Int == 20)

                try site.edit("v1")
                let reloaded = try await site.waitInEvery(
                    tabs,
                    "return document.querySelector('h1').textContent === 'v1' && sessionStorage.loads === '2'"
                )
                #expect(reloaded, "not every tab reloaded")
                let after = try await site.status()
                #expect(after["browsers"] as? Int == 1)

                // With one stream per tab, this page would wait forever for a free connection.
                try await site.browser.setPageLoadTimeout(.seconds(10))
                let started = ContinuousClock.now
                try await site.browser.openTab(site.url)
                #expect(ContinuousClock.now - started < .seconds(10))
                #expect(try await site.browser.run("return document.querySelector('h1').textContent") as? String == "v1")
            }
        }

        @Test func closingTheTabThatStartedTheSharedStreamKeepsTheOthersLive() async throws {
            try await withSite { site in
                let tabs = try await site.openTabs(3)
                try await site.browser.switchTo(tabs[0])
                try await site.browser.closeTab()
                let rest = Array(tabs.dropFirst())
                _ = try await site.waitForStatus { $0["pages"] as? Int == 2 }
                try site.edit("v1")
                #expect(try await site.waitInEvery(rest, "return document.querySelector('h1').textContent === 'v1'"))
                #expect(try await site.status()["browsers"] as? Int == 1)
            }
        }

        @Test func withoutSharedWorkerATabElectedWithWebLocksHoldsTheStreamAndHandsItOver() async throws {
            try await withSite(prelude: Self.noSharedWorker) { site in
                let tabs = try await site.openTabs(8)
                #expect(Set(try await site.valuesInEvery(tabs, "return window.__swell.mode")) == ["leader"])
                let holders = try await site.valuesInEvery(tabs, "return String(window.__swell.holder)")
                #expect(holders.filter { $0 == "true" }.count == 1)
                let status = try await site.waitForStatus { $0["pages"] as? Int == 8 }
                #expect(status["browsers"] as? Int == 1)
                #expect(status["pages"] as? Int == 8)

                // The holder goes; the edit lands while the stream is changing hands.
                let holder = try #require(holders.firstIndex(of: "true"))
                try await site.browser.switchTo(tabs[holder])
                try await site.browser.closeTab()
                try site.edit("v1")
                var rest = tabs
                rest.remove(at: holder)
                #expect(
                    try await site.waitInEvery(rest, "return document.querySelector('h1').textContent === 'v1'"),
                    "an event was lost in the hand-over"
                )
                let after = try await site.waitForStatus { $0["pages"] as? Int == 7 }
                #expect(after["browsers"] as? Int == 1)
                #expect(after["pages"] as? Int == 7)
            }
        }

        @Test func withNeitherSharedWorkerNorBroadcastChannelEachPageListensItself() async throws {
            try await withSite(prelude: Self.noSharing) { site in
                let tabs = try await site.openTabs(2)
                #expect(Set(try await site.valuesInEvery(tabs, "return window.__swell.mode")) == ["page"])
                #expect(try await site.status()["browsers"] as? Int == 2)
                try site.edit("v1")
                #expect(try await site.waitInEvery(tabs, "return document.querySelector('h1').textContent === 'v1'"))
            }
        }

        @Test func aRestartWithTenTabsOpenReloadsEachOnceOverOneConnection() async throws {
            try await withSite { site in
                let tabs = try await site.openTabs(10)
                site.swell.signal(SIGINT)
                #expect(await site.swell.exitCode(within: 5) == 0)
                let restarted = try SwellProcess([site.site.path, "-p", String(site.port), "--wait", "30"])
                defer { restarted.signal(SIGINT) }
                _ = try await restarted.port()

                // While the tabs come back, the new server never holds more than one stream.
                var most = 0
                let deadline = ContinuousClock.now.advanced(by: .seconds(30))
                var reloaded = false
                while !reloaded, ContinuousClock.now < deadline {
                    most = max(most, try await site.status()["clients"] as? Int ?? 0)
                    reloaded = try await site.waitInEvery(tabs, "return sessionStorage.loads === '2'", timeout: .milliseconds(1))
                }
                #expect(reloaded, "not every tab reloaded after the restart")
                #expect(most <= 1)
                // One connection from the browser's worker, and perhaps one more if the worker ended
                // while all ten tabs were reloading: never one per tab.
                #expect(try await site.status()["streamsOpened"] as? Int ?? 99 <= 2)

                // Exactly once: an update after that still swaps in place, with no second reload.
                _ = try await site.waitForStatus { $0["pages"] as? Int == 10 }
                try Data("h1 { color: rgb(0, 0, 255); }".utf8).write(to: site.site.root.appendingPathComponent("style.css"))
                #expect(try await site.waitInEvery(tabs, "return getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 0, 255)'"))
                #expect(Set(try await site.valuesInEvery(tabs, "return sessionStorage.loads")) == ["2"])
                _ = await restarted.exitCode(within: 5)
            }
        }

        @Test(arguments: ["", noSharedWorker, noSharing])
        func aPageShownAgainByTheBackButtonReloadsIfItChangedMeanwhile(prelude: String) async throws {
            try await withSite(prelude: prelude) { site in
                try await site.browser.open(site.url)
                #expect(try await site.browser.waitUntil("return !!(window.__swell && window.__swell.instance)"))
                _ = try await site.browser.run("window.__marker = 1; document.getElementById('next').click(); return true")
                #expect(try await site.browser.waitUntil("return location.pathname === '/b.html' && !!(window.__swell && window.__swell.instance)"))
                try site.edit("v1")
                #expect(try await site.browser.waitUntil("return sessionStorage.loads === '3'"), "the second page did not reload")
                try await site.browser.back()
                #expect(
                    try await site.browser.waitUntil("return document.querySelector('h1').textContent === 'v1'"),
                    "the first page came back stale"
                )
                #expect(try await site.browser.run("return window.__marker === undefined") as? Bool == true)
            }
        }
    }
}

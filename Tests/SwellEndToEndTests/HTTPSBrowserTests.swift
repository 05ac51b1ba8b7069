import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension BrowserTests {
    /// Chromium over `--https`, trusting Swell's CA through `swell --trust` into the NSS database
    /// of a throwaway HOME, as a user's first run would.
    @Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/certutil"), "needs certutil (libnss3-tools)"))
    struct HTTPS {
        @Test func aTrustedPageLoadsOverHTTP2AndTwelveTabsEachWithItsOwnStreamAllReloadOnOneEdit() async throws {
            let fixture = try HTTPSProcessTests.Fixture(["index.html": TabSharing.page("v0", prelude: TabSharing.noSharing)])
            let trusted = try await fixture.swell(["--trust"])
            #expect(trusted.status == 0, "\(trusted.output)\(trusted.errors)")
            let swell = try fixture.start(["--https", "--wait", "30"])
            let port = try await swell.port()
            let url = "https://127.0.0.1:\(port)/"
            try await WebDriver.session(on: swell, environment: fixture.environment) { browser in
                try await browser.open(url)
                // An untrusted certificate would leave Chromium on its interstitial, with no client.
                #expect(try await browser.waitUntil("return !!(window.__swell && window.__swell.instance)"), "the page did not load as trusted")
                #expect(try await browser.run("return location.protocol + ' ' + window.isSecureContext") as? String == "https: true")
                #expect(try await browser.run("return performance.getEntriesByType('navigation')[0].nextHopProtocol") as? String == "h2")
                var tabs = [try await browser.currentTab()]
                for _ in 1..<12 { tabs.append(try await browser.openTab(url)) }
                // Twelve streams at once: over HTTP/1.1 Chromium would stall the seventh.
                let connected = await eventually(within: .seconds(20), every: .milliseconds(200)) {
                    let status = try? await HTTPSProcessTests.curl(["--cacert", fixture.caFile, "https://127.0.0.1:\(port)/__swell/status"])
                    return status?.output.contains("\"clients\":12,") == true
                }
                #expect(connected, "not all twelve tabs hold a stream")
                for tab in tabs {
                    try await browser.switchTo(tab)
                    #expect(try await browser.run("return window.__swell.mode") as? String == "page")
                }
                try fixture.site.write("index.html", TabSharing.page("v1", prelude: TabSharing.noSharing))
                for tab in tabs {
                    try await browser.switchTo(tab)
                    #expect(try await browser.waitUntil("return document.querySelector('h1').textContent === 'v1'"), "tab \(tab) did not reload")
                }
            }
        }
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// HTML and script injection through names Swell writes into pages it generates: file names
/// in folder listings (serve-handler and node-static listing reports) and the requested path
/// on the 404 page.
@Suite struct MarkupInjectionAttackTests {
    /// No `/` in them: Linux file names cannot hold one.
    static let names: [Attack] = [
        Attack("<script>alert(1)<\\script>.txt", "script tag in a file name"),
        Attack("\"><img src=x onerror=alert(1)>.txt", "attribute break-out in a file name"),
        Attack("' onmouseover='alert(1)'.txt", "single-quote attribute break-out"),
        Attack("javascript:alert(1)", "javascript: URL as a relative link"),
        Attack("&lt;b&gt;.txt", "pre-escaped entities"),
        Attack("<svg onload=alert(1)>.txt", "svg onload in a file name"),
        Attack("<iframe src=javascript:alert(1)>.txt", "an iframe in a file name"),
    ]

    @Test(arguments: names)
    func fileNamesCannotInjectIntoTheListing(attack: Attack) async throws {
        let site = try TemporarySite([attack.target: "x"])
        try await withRunningServer(site) { client in
            let listing = try await client.get("/").text
            let hrefs = listing.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            // Outside the link targets, no markup from the name survives; the escaped name is shown.
            var text = listing
            for href in hrefs { text = text.replacingOccurrences(of: "href=\"\(href)\"", with: "") }
            for raw in ["<script>", "<img", "<svg", "<iframe", "onmouseover='", "\" onerror", "&lt;b&gt;.txt<"] {
                #expect(!text.contains(raw), "\(raw) in the listing")
            }
            #expect(listing.contains(HTMLEscaping.escape(attack.target)))
            // Each link target is one attribute value that leads back to this server, to the file.
            let href = try #require(hrefs.last)
            #expect(!href.contains(where: { "<> \t'".contains($0) }), "\(href)")
            // `&` in a name is `&amp;` in the attribute, so that `&lt;` in a name is not read as `<`.
            let decoded = href.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            let resolved = URL(string: decoded, relativeTo: URL(string: "http://127.0.0.1:\(client.port)/"))
            #expect(resolved?.scheme == "http" && resolved?.host == "127.0.0.1", "\(href)")
            let file = try await client.get(resolved?.path(percentEncoded: true) ?? "/")
            #expect(file.text == "x", "\(href)")
        }
    }

    @Test(arguments: [
        Attack("/%3Cscript%3Ealert(2)%3C/script%3E", "script tag in the missing path"),
        Attack("/%22%3E%3Cimg%20src=x%20onerror=alert(3)%3E", "attribute break-out in the missing path"),
        Attack("/x?%3Cscript%3Ealert(4)%3C/script%3E", "script tag in the query"),
        Attack("/.env%3Cscript%3Ealert(5)%3C/script%3E", "script in a hidden path's 404"),
    ])
    func theNotFoundPageEscapesThePath(attack: Attack) async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let missing = try await client.get(attack.target)
            #expect(missing.status == 404)
            #expect(!missing.text.contains("<script>alert"))
            #expect(!missing.text.contains("<img src"))
        }
    }
}

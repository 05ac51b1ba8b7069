import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct InjectionPolicyTests {
    static let page = "<html><body><h1>Page</h1></body></html>"
    static let tag = #"<script src="/__swell/client.js"></script>"#

    @Test(arguments: [(nil, true), ("document", true), ("iframe", true), ("empty", false), ("script", false), ("style", false)] as [(String?, Bool)])
    func injectsIntoNavigationsOnly(destination: String?, injected: Bool) async throws {
        let site = try TemporarySite(["index.html": Self.page])
        try await withRunningServer(site) { client in
            let headers = destination.map { ["Sec-Fetch-Dest": $0] } ?? [:]
            let response = try await client.get("/index.html", headers: headers)
            #expect(response.text.contains(Self.tag) == injected)
            #expect(response.header("Content-Length") == String(response.body.count))
            if !injected { #expect(response.text == Self.page) }
        }
    }

    @Test func headersDescribeTheInjectedBytes() async throws {
        let site = try TemporarySite(["index.html": Self.page])
        try await withRunningServer(site) { client in
            let injected = try await client.get("/index.html", headers: ["Sec-Fetch-Dest": "document"])
            let fragment = try await client.get("/index.html", headers: ["Sec-Fetch-Dest": "empty"])
            #expect(injected.text == "<html><body><h1>Page</h1>\(Self.tag)</body></html>")
            #expect(injected.header("Content-Length") == String(Self.page.utf8.count + Self.tag.utf8.count))
            #expect(injected.header("ETag") != fragment.header("ETag"))
            let head = try await client.get("/index.html", method: "HEAD", headers: ["Sec-Fetch-Dest": "document"])
            #expect(head.header("Content-Length") == injected.header("Content-Length"))
            let etag = try #require(injected.header("ETag"))
            let revalidated = try await client.get("/index.html", headers: ["If-None-Match": etag])
            #expect(revalidated.status == 304)
            let fragmentRevalidated = try await client.get("/index.html", headers: ["If-None-Match": etag, "Sec-Fetch-Dest": "empty"])
            #expect(fragmentRevalidated.status == 200)
        }
    }

    @Test func listingsAnd404PagesAreInjectedToo() async throws {
        let site = try TemporarySite(["folder/a.txt": "a"])
        try await withRunningServer(site) { client in
            let listing = try await client.get("/folder/")
            let missing = try await client.get("/missing")
            #expect(listing.text.contains(Self.tag))
            #expect(missing.text.contains(Self.tag))
        }
        let custom = try TemporarySite(["404.html": "<body>gone</body>"])
        try await withRunningServer(custom) { client in
            let response = try await client.get("/missing")
            #expect(response.status == 404)
            #expect(response.text == "<body>gone\(Self.tag)</body>")
        }
    }

    @Test func aPageThatAlreadyLoadsTheClientIsLeftAlone() async throws {
        let page = "<body>\(Self.tag)</body>"
        let site = try TemporarySite(["index.html": page])
        try await withRunningServer(site) { client in
            let response = try await client.get("/")
            #expect(response.text == page)
        }
    }

    @Test func largePagesAreInjectedWithoutLosingBytes() async throws {
        let filler = String(repeating: "<p>0123456789</p>\n", count: 40_000)
        let page = "<html><body>\(filler)</body></html>"
        let site = try TemporarySite(["big.html": page])
        try await withRunningServer(site) { client in
            let response = try await client.get("/big.html")
            #expect(response.text == "<html><body>\(filler)\(Self.tag)</body></html>")
        }
    }
}

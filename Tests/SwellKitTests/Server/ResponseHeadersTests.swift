import SwellTestSupport
import Testing

@testable import SwellKit

/// `--header`: on every file, listing and 404, replacing one of the same name; never on Swell's own endpoints.
@Suite struct ResponseHeadersTests {
    static func configure(_ configuration: inout SwellConfiguration) {
        configuration.headers = [
            try! ResponseHeader(parsing: "Cross-Origin-Embedder-Policy: require-corp"),
            try! ResponseHeader(parsing: "Cache-Control: no-store"),
        ]
    }

    @Test(arguments: ["/page.html", "/folder/", "/missing", "/style.css"])
    func everyAnswerForRootCarriesTheHeadersReplacingItsOwn(path: String) async throws {
        let site = try TemporarySite(["page.html": "<p>x</p>", "folder/a.txt": "a", "style.css": "a{}"])
        try await withRunningServer(site, configure: Self.configure) { client in
            let response = try await client.get(path)
            #expect(response.header("Cross-Origin-Embedder-Policy") == "require-corp", "\(path): \(response.rawText.prefix(400))")
            #expect(response.headers.filter { $0.0.lowercased() == "cache-control" }.map(\.1) == ["no-store"])
        }
    }

    @Test(arguments: ["/__swell/status", "/__swell/client.js", "/__swell/nothing"])
    func swellsOwnEndpointsNeverGetThem(path: String) async throws {
        let site = try TemporarySite(["page.html": "<p>x</p>"])
        try await withRunningServer(site, configure: Self.configure) { client in
            let response = try await client.get(path)
            #expect(response.header("Cross-Origin-Embedder-Policy") == nil)
            #expect(response.header("Cache-Control") == "no-cache")
        }
    }

    @Test(arguments: [
        ("X-Ok: yes", true), ("Content-Length: 3", false), ("transfer-encoding: chunked", false), ("Connection: close", false),
        ("Keep-Alive: 5", false), ("Proxy-Authorization: x", false), ("Upgrade: h2c", false), ("no colon", false),
        ("Bad Name: x", false), (": empty name", false), ("Permissions-Policy: camera=()", true),
    ])
    func framingAndHopByHopNamesAreRefused(text: String, accepted: Bool) {
        #expect(((try? ResponseHeader(parsing: text)) != nil) == accepted)
    }
}

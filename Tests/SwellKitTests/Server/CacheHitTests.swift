import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// A file served again from the cache is answered on the event loop (`HotPathHandler`), not
/// by the responder: what the client gets must not show which one answered.
@Suite struct CacheHitTests {
    /// Status, headers but `Date`, and body, as the client saw them.
    func seen(_ response: RawHTTPClient.Response) -> String {
        let headers = response.headers.filter { $0.0.lowercased() != "date" }.map { "\($0.0.lowercased()): \($0.1)" }
        return "\(response.status)\n\(headers.sorted().joined(separator: "\n"))\n\n\(response.text)"
    }

    @Test(arguments: [
        ("/", ["Sec-Fetch-Dest": "document"]),
        ("/index.html", ["Accept": "text/html"]),
        ("/index.html", ["Sec-Fetch-Dest": "script"]),
        ("/app.js", [:]),
        ("/app.js", ["Range": "bytes=2-5"]),
        ("/app.js", ["Range": "bytes=900-"]),
        ("/docs/", ["Sec-Fetch-Dest": "document"]),
    ])
    func aRepeatedRequestGetsTheFirstAnswersBytesAndHeaders(target: String, headers: [String: String]) async throws {
        let site = try TemporarySite([
            "index.html": "<html><body><p>home</p></body></html>", "app.js": "console.log('app')", "docs/index.html": "<p>docs</p>",
        ])
        let header = try ResponseHeader(name: "X-Frame-Options", value: "DENY")
        try await withRunningServer(site, configure: { $0.headers = [header] }) { client in
            let first = try await client.get(target, headers: headers)
            #expect(first.header("X-Frame-Options") == "DENY")
            for _ in 0..<3 {
                let again = try await client.get(target, headers: headers)
                #expect(seen(again) == seen(first))
                #expect(again.header("Date") != nil)
            }
            let head = try await client.get(target, method: "HEAD", headers: headers)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == first.header("Content-Length"))
            if let etag = first.header("ETag"), first.status == 200 {
                #expect(try await client.get(target, headers: headers.merging(["If-None-Match": etag]) { $1 }).status == 304)
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInTheOrderTheyWereSent() async throws {
        let site = try TemporarySite(["app.js": "APP-JS", "folder/a.txt": "a"])
        try await withRunningServer(site) { client in
            _ = try await client.get("/app.js")
            // A listing (never cached) and a 404 are the responder's; /app.js is the cache's.
            let targets = ["/folder/", "/app.js", "/missing", "/app.js", "/folder/"]
            var raw = ""
            for (index, target) in targets.enumerated() {
                raw += "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                raw += index == targets.count - 1 ? "Connection: close\r\n\r\n" : "\r\n"
            }
            let response = try await client.send(Array(raw.utf8))
            let text = response.rawText
            // One answer per status line, named by what only it holds (an ETag may contain "404").
            let markers = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { answer in
                answer.hasPrefix("404 ") ? "404" : answer.contains("Index of") ? "Index of" : answer.contains("APP-JS") ? "APP-JS" : "?"
            }
            #expect(markers == ["Index of", "APP-JS", "404", "APP-JS", "Index of"], "\(text)")
        }
    }

    @Test func everyGateStillAppliesToACachedFile() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>", "app.js": "APP-JS"])
        try await withRunningServer(site) { client in
            for target in ["/", "/index.html", "/app.js"] { _ = try await client.get(target) }
            #expect(try await client.get("/app.js").text == "APP-JS")

            let foreign = try await client.get("/app.js", host: "evil.example")
            #expect(foreign.status == 403)
            #expect(foreign.text.contains("--allow-host"))
            let crossSite = try await client.get("/app.js", headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"])
            #expect(crossSite.status == 403)
            #expect(!crossSite.text.contains("APP-JS"))
            let post = try await client.get("/app.js", method: "POST")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
            #expect(try await client.get("http://127.0.0.1/app.js").status == 400)
            #expect(try await client.get("/app.js/../../app.js").status == 400)
        }
    }

    @Test func aChangedFileIsNeverAnsweredFromTheCache() async throws {
        let site = try TemporarySite(["app.js": "one"])
        try await withRunningServer(site, configure: { $0.watchesRoot = false }) { client in
            #expect(try await client.get("/app.js").text == "one")
            #expect(try await client.get("/app.js").text == "one")
            // No watcher: only the stamp read beneath ROOT tells the cache the file changed.
            try site.write("app.js", "two, longer")
            #expect(try await client.get("/app.js").text == "two, longer")
        }
    }
}

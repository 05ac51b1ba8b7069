import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct StaticFileResponderTests {
    static let files = [
        "index.html": "<html><body>home</body></html>",
        "about.html": "<p>about</p>",
        "docs/index.html": "<p>docs</p>",
        "docs/guide.txt": "guide",
        "plain/b.txt": "b", "plain/a-folder/x.txt": "x",
        "app.js": "console.log(1)", "data.bin": "0123456789",
        "style.css": "body{}", "module.wasm": "\0asm",
    ]

    /// Byte-exact serving without the live-reload script (injection has its own tests).
    static func plain(_ configuration: inout SwellConfiguration) {
        configuration.liveReload = false
    }

    @Test func filesAreServedWithTypeValidatorsAndNoCache() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/app.js")
            #expect(response.status == 200)
            #expect(response.text == "console.log(1)")
            #expect(response.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(response.header("Content-Length") == "14")
            #expect(response.header("Cache-Control") == "no-cache")
            #expect(response.header("ETag")?.hasPrefix("\"") == true)
            #expect(response.header("Last-Modified")?.hasSuffix("GMT") == true)
            #expect(response.header("Accept-Ranges") == "bytes")
            #expect(response.header("Cross-Origin-Resource-Policy") == "same-origin")
            #expect(response.header("Access-Control-Allow-Origin") == nil)
            #expect(try await client.get("/module.wasm").header("Content-Type") == "application/wasm")
        }
    }

    @Test func headHasTheSameHeadersAndNoBody() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let get = try await client.get("/data.bin")
            let head = try await client.get("/data.bin", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "10")
            #expect(head.header("ETag") == get.header("ETag"))
            #expect(head.raw.count < get.raw.count)
            #expect(!head.rawText.contains("0123456789"))
        }
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
    func otherMethodsGet405WithAllow(method: String) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/index.html", method: method)
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
        }
    }

    @Test func folderWithoutSlashRedirectsKeepingTheQuery() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/docs?tab=2&x=y")
            #expect(response.status == 302)
            #expect(response.header("Location") == "/docs/?tab=2&x=y")
            #expect(try await client.get("/docs/").text == "<p>docs</p>")
        }
    }

    @Test func folderWithoutIndexGetsAListingWithFoldersFirst() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/plain/")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            let text = response.text
            let folder = try #require(text.range(of: "a-folder/"))
            let file = try #require(text.range(of: "b.txt"))
            #expect(folder.lowerBound < file.lowerBound)
        }
    }

    @Test func cleanURLsServeTheHTMLFile() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/about")
            #expect(response.status == 200)
            #expect(response.text == "<p>about</p>")
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        }
    }

    @Test func missingFilesGetThePlain404Page() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/nope/<b>x</b>")
            #expect(response.status == 404)
            #expect(response.text.contains("404"))
            #expect(!response.text.contains("<b>x</b>"))
        }
    }

    @Test func custom404PageIsServedWith404() async throws {
        var files = Self.files
        files["404.html"] = "<h1>custom missing</h1>"
        let site = try TemporarySite(files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let response = try await client.get("/nope")
            #expect(response.status == 404)
            #expect(response.text == "<h1>custom missing</h1>")
        }
    }

    @Test func spaFallbackAnswersHTMLNavigationsOnly() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(
            site,
            configure: {
                $0.spa = true
                $0.liveReload = false
            }
        ) { client in
            let navigation = try await client.get("/app/settings", headers: ["Accept": "text/html,application/xhtml+xml"])
            #expect(navigation.status == 200)
            #expect(navigation.text == Self.files["index.html"])
            #expect(try await client.get("/missing.js", headers: ["Accept": "text/html"]).status == 404)
            #expect(try await client.get("/app/settings", headers: ["Accept": "application/json"]).status == 404)
        }
        try await withRunningServer(site, configure: Self.plain) { client in
            let withoutSPA = try await client.get("/app/settings", headers: ["Accept": "text/html"])
            #expect(withoutSPA.status == 404)
        }
    }

    @Test func matchingValidatorsGet304() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let first = try await client.get("/style.css")
            let etag = try #require(first.header("ETag"))
            let lastModified = try #require(first.header("Last-Modified"))
            let byTag = try await client.get("/style.css", headers: ["If-None-Match": etag])
            #expect(byTag.status == 304)
            #expect(byTag.body.isEmpty)
            #expect(byTag.header("ETag") == etag)
            #expect(try await client.get("/style.css", headers: ["If-Modified-Since": lastModified]).status == 304)
            #expect(try await client.get("/style.css", headers: ["If-None-Match": "\"stale\""]).status == 200)
            // If-None-Match wins over If-Modified-Since.
            #expect(try await client.get("/style.css", headers: ["If-None-Match": "\"stale\"", "If-Modified-Since": lastModified]).status == 200)
        }
    }

    @Test func aSameSecondSameSizeSaveIsNotAnsweredWith304() async throws {
        let site = try TemporarySite(["page.css": "a{color:red}"])
        try await withRunningServer(site, configure: Self.plain) { client in
            let first = try await client.get("/page.css")
            let etag = try #require(first.header("ETag"))
            let url = site.root.appendingPathComponent("page.css")
            let handle = try FileHandle(forWritingTo: url)
            try handle.write(contentsOf: Data("a{color:red}".replacingOccurrences(of: "red", with: "tan").utf8))
            try handle.close()
            let again = try await client.get("/page.css", headers: ["If-None-Match": etag])
            #expect(again.status == 200)
            #expect(again.text == "a{color:tan}")
        }
    }

    @Test func byteRangesIncludingSuffixAnd416() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            let middle = try await client.get("/data.bin", headers: ["Range": "bytes=2-4"])
            #expect(middle.status == 206)
            #expect(middle.text == "234")
            #expect(middle.header("Content-Range") == "bytes 2-4/10")
            #expect(middle.header("Content-Length") == "3")
            let suffix = try await client.get("/data.bin", headers: ["Range": "bytes=-3"])
            #expect(suffix.status == 206)
            #expect(suffix.text == "789")
            let past = try await client.get("/data.bin", headers: ["Range": "bytes=50-"])
            #expect(past.status == 416)
            #expect(past.header("Content-Range") == "bytes */10")
            let html = try await client.get("/about.html", headers: ["Range": "bytes=0-1"])
            #expect(html.status == 200)
            #expect(html.header("Accept-Ranges") == nil)
            let staleIfRange = try await client.get("/data.bin", headers: ["Range": "bytes=0-1", "If-Range": "\"old\""])
            #expect(staleIfRange.status == 200)
            #expect(staleIfRange.text == "0123456789")
        }
    }

    @Test func corsFlagReplacesCORPWithAllowOrigin() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(
            site,
            configure: {
                $0.cors = true
                $0.liveReload = false
            }
        ) { client in
            let response = try await client.get("/app.js")
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            #expect(response.header("Cross-Origin-Resource-Policy") == nil)
        }
    }

    @Test func fileReplacedAfterOpenKeepsHeadersAndBodyInAgreement() async throws {
        // A file deleted right after it was opened is still served whole from its descriptor.
        let site = try TemporarySite(["gone.txt": "still here"])
        let root = try RootDirectory(path: site.root.path)
        let file = try root.open("gone.txt").get()
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("gone.txt"))
        var buffer = [UInt8](repeating: 0, count: file.size)
        let read = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        #expect(read == 10)
        #expect(String(decoding: buffer, as: UTF8.self) == "still here")
    }

    @Test func http10RequestsAreAnsweredAndClosed() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: Self.plain) { client in
            // No Connection header: RawHTTPClient.send reads until the server closes, so this
            // times out (and fails) if the connection is left open.
            let response = try await client.send(Array("GET /app.js HTTP/1.0\r\n\r\n".utf8), timeout: 5)
            #expect(response.status == 200)
            #expect(response.text == "console.log(1)")
        }
    }
}

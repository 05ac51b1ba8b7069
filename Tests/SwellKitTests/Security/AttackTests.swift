import Foundation
import Testing

@testable import SwellKit

/// Hostile requests sent raw over TCP, so that nothing normalizes them on the way. A
/// sentinel file sits right next to ROOT (and in a sibling folder whose name shares ROOT's
/// prefix); its text must never come back.
@Suite struct AttackTests {
    static let files = [
        "index.html": "<p>home</p>", "a/b.html": "<p>b</p>", ".env": "SECRET=1", ".git/config": "[core]",
        ".well-known/security.txt": "Contact: x", "dir/.hidden/x.txt": "x",
    ]

    @Test(arguments: [
        "/../sentinel.txt", "/%2e%2e/sentinel.txt", "/%2E%2E/sentinel.txt", "/..%2fsentinel.txt", "/%2e%2e%2fsentinel.txt",
        "/a/../../sentinel.txt", "/a/%2e%2e/%2e%2e/sentinel.txt", "/..%5csentinel.txt", "/..\\sentinel.txt",
        "/a/..%5c..%5csentinel.txt", "/%252e%252e/sentinel.txt", "/%c0%ae%c0%ae/sentinel.txt", "/.%2e/sentinel.txt",
        "//../sentinel.txt", "/./../sentinel.txt", "/a/b.html/../../../sentinel.txt", "/../rootsibling/secret.txt",
        "/%2e%2e/rootsibling/secret.txt", "/index.html?/../../sentinel.txt", "/index.html?file=../sentinel.txt",
        "/..;/sentinel.txt", "/a/..%00/sentinel.txt", "/%00/../sentinel.txt",
    ])
    func traversalNeverReadsOutsideRoot(target: String) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.get(target)
            #expect(!response.rawText.contains(TemporarySite.sentinelText))
            #expect(response.status != 500)
        }
    }

    @Test(arguments: [("/a%00.html", 400), ("/a#b", 400), ("/index.html#x", 400), ("/%2e%2e/x", 400), ("/bad%zz", 400)])
    func malformedTargetsGet400(target: String, status: Int) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.send(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(response.status == status)
        }
    }

    @Test(arguments: ["/.env", "/.git/config", "/%2egit/config", "/dir/.hidden/x.txt", "/.git/", "/.git"])
    func dotfilesAreNeverServed(target: String) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.get(target)
            #expect(response.status == 404)
            #expect(!response.text.contains("SECRET"))
            #expect(!response.text.contains("[core]"))
        }
    }

    @Test func wellKnownIsTheOneServedDotFolder() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            #expect(try await client.get("/.well-known/security.txt").text == "Contact: x")
            let listing = try await client.get("/").text
            #expect(!listing.contains(".env"))
        }
    }

    @Test func symlinksOutOfRootGet403EverywhereAndStayOutOfListings() async throws {
        let site = try TemporarySite(["list/keep.txt": "keep", "page/x.txt": "x"])
        try site.symlink("list/leak.txt", to: site.sentinelPath)
        try site.symlink("list/leakdir", to: site.container.path)
        try site.symlink("page/index.html", to: "../../sentinel.txt")
        try site.symlink("clean.html", to: site.sentinelPath)
        try await withRunningServer(site) { client in
            for target in ["/list/leak.txt", "/list/leakdir/sentinel.txt", "/page/", "/clean", "/list/leakdir/"] {
                let response = try await client.get(target)
                #expect(response.status == 403, "\(target)")
                #expect(!response.rawText.contains(TemporarySite.sentinelText), "\(target)")
            }
            let listing = try await client.get("/list/")
            #expect(listing.text.contains("keep.txt"))
            #expect(!listing.text.contains("leak"))
        }
    }

    @Test(arguments: ["//evil.com", "/\\evil.com", "//evil.com/%2e%2e", "/%2fevil.com", "/%5cevil.com"])
    func folderRedirectsStaySameOrigin(prefix: String) async throws {
        let site = try TemporarySite(["evil.com/index.html": "x", "\\evil.com/index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get(prefix)
            if let location = response.header("Location") {
                #expect(location.hasPrefix("/"))
                #expect(!location.hasPrefix("//"))
                #expect(!location.hasPrefix("/\\"))
            }
        }
    }

    @Test(arguments: ["evil.com", "evil.com:5000", "localhost.evil.com", "attacker.nip.io", "192.168.0.10"])
    func foreignHostHeadersGet403NamingAllowHost(host: String) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.get("/index.html", host: host)
            #expect(response.status == 403)
            #expect(response.text.contains("--allow-host"))
            #expect(!response.text.contains("home"))
        }
    }

    @Test func allowHostLetsANamedHostThrough() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: { $0.allowedHosts = ["myapp.test"] }) { (client: RawHTTPClient) async throws in
            #expect(try await client.get("/index.html", host: "myapp.test:5000").status == 200)
            #expect(try await client.get("/index.html", host: "localhost:5000").status == 200)
            #expect(try await client.get("/index.html", host: "app.localhost").status == 200)
        }
    }

    @Test func fileNamesCannotInjectIntoTheListingOr404Page() async throws {
        let site = try TemporarySite(["<script>alert(1)</script>.txt": "x"])
        try await withRunningServer(site) { client in
            let listing = try await client.get("/")
            #expect(!listing.text.contains("<script>alert(1)"))
            let missing = try await client.get("/%3Cscript%3Ealert(2)%3C/script%3E")
            #expect(missing.status == 404)
            #expect(!missing.text.contains("<script>alert(2)"))
        }
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// Traversal and decoding tricks, sent raw over TCP so nothing normalizes them on the way.
/// A sentinel file sits next to ROOT, and another in a sibling folder whose name shares
/// ROOT's prefix; neither may ever come back.
@Suite struct TraversalAttackTests {
    static let files = ["index.html": "<p>home</p>", "a/b.html": "<p>b</p>", "page.html": "<p>page</p>", ".env": "SECRET=1"]

    static let traversals: [Attack] = [
        Attack("/../sentinel.txt", "CWE-22 dot-dot; node-static CVE-2023-26111"),
        Attack("/%2e%2e/sentinel.txt", "encoded dot-dot; serve-handler and node-static reports"),
        Attack("/%2E%2E/sentinel.txt", "upper-case percent-encoding"),
        Attack("/%2e%2E/sentinel.txt", "mixed-case percent-encoding"),
        Attack("/.%2e/sentinel.txt", "half-encoded dot-dot"),
        Attack("/%2e./sentinel.txt", "half-encoded dot-dot"),
        Attack("/..%2fsentinel.txt", "encoded slash after dot-dot"),
        Attack("/%2e%2e%2fsentinel.txt", "fully encoded ../"),
        Attack("/a/../../sentinel.txt", "climbing past ROOT after a real folder"),
        Attack("/a/%2e%2e/%2e%2e/sentinel.txt", "encoded climb after a real folder"),
        Attack("/a/b.html/../../../sentinel.txt", "climbing through a file name"),
        Attack("/..%5csentinel.txt", "Vite CVE-2025-62522: encoded backslash as a separator"),
        Attack("/..\\sentinel.txt", "Vite CVE-2025-62522: raw backslash as a separator"),
        Attack("/a/..%5c..%5csentinel.txt", "Vite CVE-2025-62522: backslash climb"),
        Attack("/%2e%2e%5c%2e%2e%5csentinel.txt", "encoded ..\\..\\"),
        Attack("/%252e%252e/sentinel.txt", "double percent-encoding"),
        Attack("/%252e%252e%252fsentinel.txt", "double-encoded ../"),
        Attack("/..%255csentinel.txt", "double-encoded backslash"),
        Attack("/%c0%ae%c0%ae/sentinel.txt", "overlong UTF-8 dots (CVE-2000-0884 class)"),
        Attack("/%e0%80%ae%e0%80%ae/sentinel.txt", "three-byte overlong UTF-8 dots"),
        Attack("/..%c0%afsentinel.txt", "overlong UTF-8 slash"),
        Attack("/%u002e%u002e/sentinel.txt", "IIS %u encoding"),
        Attack("//../sentinel.txt", "Vite GHSA-353f-5xf4-qw67 (CVE-2023-34092): double slash"),
        Attack("//%2e%2e//sentinel.txt", "double slashes around an encoded dot-dot"),
        Attack("/./../sentinel.txt", "dot segment, then dot-dot"),
        Attack("/....//sentinel.txt", "filters that strip ../ once (....// becomes ../)"),
        Attack("/..../sentinel.txt", "four dots"),
        Attack("/../rootsibling/secret.txt", "node-static CVE-2023-26111: a prefix check accepts a sibling folder"),
        Attack("/%2e%2e/rootsibling/secret.txt", "encoded sibling-folder escape"),
        Attack("/index.html?/../../sentinel.txt", "Vite CVE-2025-31486: a relative path in the query"),
        Attack("/?/../../sentinel.txt", "a relative path in the query of /"),
        Attack("/..;/sentinel.txt", "path parameters (;) that some normalizers drop"),
        Attack("/a/..%00/sentinel.txt", "NUL truncation"),
        Attack("/%00/../sentinel.txt", "NUL segment"),
        Attack("/sentinel.txt%00.html", "NUL before an allowed extension"),
        Attack("/#/../sentinel.txt", "Vite CVE-2025-32395: raw # in the request-target"),
        Attack("/index.html#/../../sentinel.txt", "Vite CVE-2025-32395: raw # after a file"),
        Attack("/" + String(repeating: "../", count: 40) + "etc/passwd", "deep climb to /etc/passwd"),
        Attack("/" + String(repeating: "%2e%2e/", count: 40) + "etc/passwd", "deep encoded climb to /etc/passwd"),
    ]

    @Test(arguments: traversals)
    func traversalNeverReadsOutsideRoot(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.get(attack.target)
            expectNothingFromOutsideRoot(response, attack.target)
            #expect([200, 400, 404].contains(response.status), "\(attack.target) → \(response.status)")
        }
    }

    /// Request targets that are not origin-form paths: absolute-form aimed elsewhere, a bare
    /// relative path, `*`.
    @Test(arguments: [
        Attack("GET http://127.0.0.1/../sentinel.txt HTTP/1.1", "absolute-form target with dot-dot"),
        Attack("GET ../sentinel.txt HTTP/1.1", "relative request-target"),
        Attack("GET sentinel.txt HTTP/1.1", "request-target without a leading slash"),
        Attack("GET * HTTP/1.1", "asterisk-form on GET"),
    ])
    func targetsThatAreNotPathsGet400(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.send(Array("\(attack.target)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            expectNothingFromOutsideRoot(response, attack.target)
            #expect(response.status == 400)
        }
    }

    @Test(arguments: [
        Attack("/a%00.html", "NUL byte"), Attack("/a#b", "Vite CVE-2025-32395: raw #"), Attack("/index.html#x", "raw # after a file"),
        Attack("/%2e%2e/x", "climbing out"), Attack("/bad%zz", "bad percent-encoding"), Attack("/bad%2", "truncated percent-encoding"),
        Attack("/%ff%fe.html", "invalid UTF-8 after decoding"),
    ])
    func malformedTargetsGet400(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.send(Array("GET \(attack.target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(response.status == 400)
        }
    }

    /// Vite served other things for special queries (`?raw`, `?import`, `?inline`, `?url`…),
    /// and each became a way around its deny list. In Swell a query never changes which file
    /// is served, nor how.
    static let viteQueries: [Attack] = [
        Attack("?raw", "Vite ?raw"), Attack("?raw??", "Vite CVE-2025-30208"), Attack("?import&raw??", "Vite CVE-2024-45811"),
        Attack("?inline&import", "Vite CVE-2025-31125"), Attack("?raw?import", "Vite CVE-2025-31125"),
        Attack("?import&?inline=1.wasm?init", "Vite CVE-2025-31125 original report"), Attack("?.svg?.wasm?init", "Vite CVE-2025-31486"),
        Attack("?url", "Vite ?url"), Attack("?worker_file&type=module", "Vite ?worker_file"),
        Attack("?html-proxy&index=0.js", "Vite ?html-proxy"), Attack("?/../../sentinel.txt", "a path in the query"),
    ]

    @Test(arguments: viteQueries)
    func queriesNeverChangeWhatIsServed(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let plain = try await client.get("/page.html")
            let queried = try await client.get("/page.html" + attack.target)
            #expect(queried.status == 200)
            #expect(queried.body == plain.body)
            #expect(queried.header("Content-Type") == plain.header("Content-Type"))
            let hidden = try await client.get("/.env" + attack.target)
            #expect(hidden.status == 404)
            #expect(!hidden.text.contains("SECRET"))
            expectNothingFromOutsideRoot(try await client.get("/../sentinel.txt" + attack.target), attack.target)
        }
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// What another web site's page can make the browser do with Swell: read its answers
/// (CORS), include its scripts (`<script src>`), and trigger reloads (cross-site POST).
@Suite struct CrossOriginAttackTests {
    static let files = ["index.html": "<p>home</p>", "app.js": "const secret = 'SOURCE';"]

    /// esbuild GHSA-67mh-4wv8-2f99 (`Access-Control-Allow-Origin: *` on its dev server and
    /// reload stream), Vite CVE-2025-24010 (permissive CORS), webpack-dev-server
    /// CVE-2018-14732 and CVE-2025-30360 (any origin, or any IP origin, could read HMR messages).
    static let origins: [Attack] = [
        Attack("http://evil.example", "esbuild GHSA-67mh-4wv8-2f99, Vite CVE-2025-24010"),
        Attack("http://192.168.1.5:8080", "webpack-dev-server CVE-2025-30360: IP-address origins"),
        Attack("null", "sandboxed iframe or file: page"), Attack("http://localhost.evil.example", "look-alike origin"),
    ]

    @Test(arguments: origins)
    func swellsEndpointsNeverSendCORSHeaders(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            for (path, method) in [
                ("/__swell/events", "HEAD"), ("/__swell/status", "GET"), ("/__swell/client.js", "GET"), ("/__swell/worker.js", "GET"),
                ("/index.html", "GET"), ("/__swell/reload", "OPTIONS"),
            ] {
                let response = try await client.get(
                    path,
                    method: method,
                    headers: ["Origin": attack.target, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"]
                )
                #expect(response.header("Access-Control-Allow-Origin") == nil, "\(method) \(path)")
                #expect(response.header("Access-Control-Allow-Credentials") == nil, "\(method) \(path)")
            }
        }
    }

    /// webpack-dev-server CVE-2025-30359: `<script src="http://localhost:8080/main.js">` on
    /// another site runs the developer's code, and prototype pollution reads it back.
    @Test(arguments: [
        ("/app.js", "script"), ("/__swell/client.js", "script"), ("/index.html", "iframe-as-object"), ("/__swell/events", "empty"),
        ("/app.js", "style"),
    ])
    func anotherSitesPageCannotLoadFilesInTheBackground(path: String, destination: String) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let mode = path == "/__swell/events" ? "cors" : "no-cors"
            let response = try await client.get(
                path,
                headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": destination, "Origin": "http://evil.example"]
            )
            #expect(response.status == 403)
            #expect(!response.text.contains("SOURCE"))
            #expect(!response.text.contains("EventSource"))
        }
    }

    @Test func navigationsAndSameSiteRequestsStillWork() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            // A link to the dev server in a chat or an issue tracker.
            let navigation = try await client.get(
                "/index.html",
                headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"]
            )
            #expect(navigation.status == 200)
            // The developer's other dev server on localhost:3000 is the same site.
            let sameSite = try await client.get(
                "/app.js",
                headers: ["Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"]
            )
            #expect(sameSite.status == 200)
            #expect(sameSite.header("Cross-Origin-Resource-Policy") == "same-origin")
        }
    }

    @Test func corsOptsFilesInButNotSwellsOwnEndpoints() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site, configure: { $0.cors = true }) { client in
            let headers = ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "http://evil.example"]
            let file = try await client.get("/app.js", headers: headers)
            #expect(file.status == 200)
            #expect(file.header("Access-Control-Allow-Origin") == "*")
            #expect(file.header("Cross-Origin-Resource-Policy") == nil)
            let status = try await client.get("/__swell/status", headers: headers)
            #expect(status.status == 403)
            #expect(status.header("Access-Control-Allow-Origin") == nil)
        }
    }

    /// Cross-site request forgery on `POST /__swell/reload` and `/__swell/pages`: HTML forms and
    /// `text/plain` fetches are "simple" requests that skip CORS preflight, so only the server's
    /// own check stops them. Each must be refused and publish nothing.
    static let forgeries: [Attack] = [
        Attack("Origin: http://evil.example", "cross-site form POST"),
        Attack("Origin: http://evil.example|Content-Type: text/plain", "text/plain simple POST"),
        Attack("Origin: null", "sandboxed iframe"), Attack("Sec-Fetch-Site: cross-site", "fetch metadata without Origin"),
        Attack("Origin: http://localhost:1", "another port on localhost"), Attack("Origin: http://127.0.0.1.evil.example", "look-alike origin"),
        Attack("Sec-Fetch-Site: same-site|Origin: http://localhost:3000", "another local dev server"),
        Attack("Origin: http://evil.example|Sec-Fetch-Site: same-origin", "a forged Sec-Fetch-Site with a foreign Origin"),
    ]

    @Test(arguments: forgeries)
    func crossSitePostsAreRefusedAndPublishNothing(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            var headers: [String: String] = [:]
            for field in attack.target.split(separator: "|") {
                let parts = field.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                headers[parts[0]] = parts[1]
            }
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"last\"")
            for path in ["/__swell/reload", "/__swell/pages?client=1&pages=999"] {
                let response = try await client.get(path, method: "POST", headers: headers)
                #expect(response.status == 403, "\(path)")
                #expect(response.header("Access-Control-Allow-Origin") == nil)
            }
            // A GET cannot trigger it either (an <img src> on another site).
            #expect(try await client.get("/__swell/reload").status == 405)
            #expect(try await client.get("/__swell/status").text.contains("\"pages\":1,"))
            // A build tool's reload (no Origin) goes through: once it arrives, the forged ones would have too.
            #expect(try await client.get("/__swell/reload", method: "POST").status == 200)
            let received = try await stream.waitFor("data: {\"paths\":[]}")
            #expect(received.components(separatedBy: "data: {\"paths\":[]}").count == 2, "a forged reload was published")
        }
    }
}

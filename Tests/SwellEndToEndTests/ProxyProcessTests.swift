import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--proxy` in front of a real Flask backend: what the browser receives on the wire, and
/// what the backend is (and is not) asked.
@Suite struct ProxyProcessTests {
    static let navigation = ["Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Accept": "text/html"]
    static let tag = #"<script src="/__swell/client.js""#

    /// A backend and a whole-site `swell --proxy` in front of it, both stopped afterwards.
    func withProxy(
        _ extra: [String] = [],
        _ body: (_ swell: SwellProcess, _ client: RawHTTPClient, _ backend: FlaskBackend) async throws -> Void
    ) async throws {
        let backend = try await FlaskBackend()
        let site = try TemporarySite(["templates/index.html": "<h1>template</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"] + extra)
        let port = try await swell.port()
        try await body(swell, RawHTTPClient(port: port), backend)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }

    func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func aBackendPageGetsTheClientOnceChunkedWithoutAStaleLength() async throws {
        try await withProxy { _, client, _ in
            let page = try await client.get("/", headers: Self.navigation)
            #expect(page.status == 200)
            #expect(occurrences(of: Self.tag, in: page.text) == 1)
            #expect(page.text.contains("\(Self.tag)></script></head>"), "before </head>: \(page.text)")
            #expect(page.header("Transfer-Encoding")?.lowercased() == "chunked")
            #expect(page.header("Content-Length") == nil)
            // The backend's own script and stream are passed on as they are.
            let script = try await client.get(
                "/static/counter.js",
                headers: ["Sec-Fetch-Dest": "script", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "same-origin"]
            )
            #expect(script.text.contains("new EventSource('/stream')"))
            #expect(!script.text.contains("__swell"))
        }
    }

    @Test func gzipAndDeflatePagesAreDecodedAndInjectedOtherEncodingsPassUntouched() async throws {
        try await withProxy { _, client, _ in
            for path in ["/gzip", "/deflate"] {
                let page = try await client.get(path, headers: Self.navigation.merging(["Accept-Encoding": "gzip, deflate"]) { $1 })
                #expect(page.header("Content-Encoding") == nil, "\(path)")
                #expect(page.text.contains("page"), "\(path): \(page.text)")
                #expect(occurrences(of: Self.tag, in: page.text) == 1, "\(path)")
            }
            let brotli = try await client.get("/brotli", headers: Self.navigation)
            #expect(brotli.header("Content-Encoding") == "br")
            #expect(brotli.header("X-Swell-Inject") == "skipped (Content-Encoding: br)")
            #expect(!brotli.text.contains("__swell"))
            let kept = try await client.get("/no-transform", headers: Self.navigation)
            #expect(kept.header("X-Swell-Inject") == "skipped (Cache-Control: no-transform)")
            #expect(kept.text == "<html><head></head><body>keep me</body></html>")
        }
    }

    @Test func errorPagesAreInjectedAndJSONIsNot() async throws {
        try await withProxy { _, client, _ in
            let missing = try await client.get("/missing-page", headers: Self.navigation)
            #expect(missing.status == 404)
            #expect(occurrences(of: Self.tag, in: missing.text) == 1)
            let broken = try await client.get("/broken", headers: Self.navigation)
            #expect(broken.status == 500)
            #expect(broken.text.contains("Traceback: it broke"))
            #expect(occurrences(of: Self.tag, in: broken.text) == 1)
            let json = try await client.get("/json", headers: Self.navigation)
            #expect(json.text == #"{"ok": true}"#)
        }
    }

    @Test func aConnectionIsKeptForTheNextRequestAfterAnAnswerOfKnownLength() async throws {
        try await withProxy { _, client, _ in
            let connection = try await client.openStream("/json")
            _ = try await connection.waitFor(#"{"ok": true}"#)
            try await connection.write(Array("GET /redirect HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let text = try await connection.waitFor("HTTP/1.1 302 ", timeout: 5)
            #expect(text.hasPrefix("HTTP/1.1 200 OK"), "the second answer came on the same connection: \(text)")
        }
    }

    @Test func requestsPipelinedBehindAForwardedOneAreAnsweredInOrder() async throws {
        try await withProxy { _, client, _ in
            let connection = try await client.openStream("/slow?pause=1")
            _ = try await connection.waitFor("first part")
            // Both arrive while the slow answer is under way: one for the backend, one of Swell's own.
            try await connection.write(
                Array("GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /__swell/client.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
            )
            let text = try await connection.waitFor("Swell's live-reload client", timeout: 10)
            let slow = try #require(text.range(of: "second part")), json = try #require(text.range(of: #"{"ok": true}"#))
            #expect(slow.lowerBound < json.lowerBound, "the slow page ended before the next answer began: \(text)")
            #expect(json.lowerBound < text.range(of: "Swell's live-reload client")!.lowerBound)
            #expect(occurrences(of: "HTTP/1.1 200 OK", in: text) == 3)
        }
    }

    @Test func aFloodPipelinedBehindAForwardedRequestClosesThatConnectionOnly() async throws {
        try await withProxy { _, client, _ in
            let connection = try await client.openStream("/slow?pause=2")
            _ = try await connection.waitFor("first part")
            let one = "GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            try? await connection.write(Array(String(repeating: one, count: 300).utf8))
            #expect(try await connection.waitForClose(timeout: 10), "Swell does not queue without limit")
            #expect(occurrences(of: #"{"ok": true}"#, in: connection.text) == 0)
            #expect(try await client.get("/json").text == #"{"ok": true}"#, "other connections are served")
        }
    }

    @Test func theFirstBytesOfASlowPageArriveBeforeTheBackendFinishes() async throws {
        try await withProxy { _, client, _ in
            let stream = try await client.openStream("/slow?pause=3", headers: Self.navigation)
            let started = ContinuousClock.now
            let first = try await stream.waitFor("first part", timeout: 2.5)
            #expect(ContinuousClock.now - started < .milliseconds(2500))
            #expect(!first.contains("second part"))
            #expect(first.contains(Self.tag))
            _ = try await stream.waitFor("second part", timeout: 10)
        }
    }

    @Test func aBackendEventStreamArrivesEventByEvent() async throws {
        try await withProxy { _, client, _ in
            let stream = try await client.openStream("/stream?interval=0.4&limit=50", headers: ["Accept": "text/event-stream"])
            let first = try await stream.waitFor("data: 1\n\n", timeout: 5)
            #expect(!first.contains("data: 3"), "the first event came alone: \(first)")
            _ = try await stream.waitFor("data: 3\n\n", timeout: 5)
        }
    }

    @Test func bodiesGoThroughAndHeadersAreTheProxysToSet() async throws {
        try await withProxy { _, client, _ in
            let payload = String(repeating: "swell-", count: 20_000)
            let request =
                "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: \(payload.utf8.count)\r\nConnection: close\r\n\r\n\(payload)"
            let echo = try await client.send(Array(request.utf8))
            #expect(echo.text.contains(#""method": "POST", "length": 120000"#))
            let seen = try await client.get(
                "/headers",
                headers: [
                    "X-Forwarded-For": "6.6.6.6", "Forwarded": "for=6.6.6.6", "Keep-Alive": "timeout=5", "X-Drop-Me": "1", "Connection": "X-Drop-Me",
                ]
            )
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(seen.body)) as? [String: String])
            #expect(fields["X-Forwarded-For"] == "127.0.0.1")
            #expect(fields["Forwarded"]?.contains("6.6.6.6") == false)
            #expect(fields["X-Forwarded-Proto"] == "http")
            #expect(fields["Keep-Alive"] == nil)
            #expect(fields["X-Drop-Me"] == nil)
            #expect(fields["Host"] == "127.0.0.1", "a loopback backend gets the browser's Host")
        }
    }

    @Test func redirectsToTheBackendComeBackToSwellAndCookiesKeepSecure() async throws {
        try await withProxy { _, client, _ in
            let moved = try await client.get("/redirect", host: "127.0.0.1:\(client.port)")
            #expect(moved.status == 302)
            #expect(moved.header("Location")?.hasPrefix("http://127.0.0.1:\(client.port)/target") == true, "\(moved.header("Location") ?? "none")")
            let away = try await client.get("/redirect-away")
            #expect(away.header("Location") == "https://example.com/elsewhere")
            let cookie = try await client.get("/cookie")
            let cookies = cookie.headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1)
            #expect(cookies.count == 2)
            let session = try #require(cookies.first { $0.hasPrefix("session=") })
            #expect(!session.contains("Domain"))
            #expect(session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Lax"))
            #expect(cookies.contains { $0.contains("Domain=example.com") })
        }
    }

    @Test func aStrictPolicyGetsANonceOrTheExactSwellURLsAndNothingElse() async throws {
        try await withProxy { _, client, _ in
            let nonced = try await client.get("/csp-nonce", headers: Self.navigation)
            let policy = try #require(nonced.header("Content-Security-Policy"))
            let nonce = try #require(nonced.text.firstMatch(of: /__swell\/client\.js" nonce="([0-9a-f]+)"/)?.1)
            #expect(policy.contains("'nonce-\(nonce)'"))
            #expect(policy.contains("'nonce-app123'"))
            #expect(policy.hasPrefix("default-src 'self';"))
            let origin = "http://127.0.0.1:\(client.port)"
            let selfOnly = try await client.get("/csp-self", headers: Self.navigation)
            // 'self' already lets the page load Swell's client from its own origin: nothing changes.
            #expect(selfOnly.header("Content-Security-Policy") == "default-src 'self'")
            #expect(selfOnly.text.contains(Self.tag))
            // A list of hosts gets Swell's exact URLs, no keyword.
            let cdn = try await client.get("/csp-cdn", headers: Self.navigation, host: "127.0.0.1:\(client.port)")
            let listed = try #require(cdn.header("Content-Security-Policy"))
            #expect(listed.hasPrefix("script-src https://cdn.example.com "))
            #expect(listed.contains("\(origin)/__swell/client.js"))
            #expect(!listed.contains("'unsafe") && !listed.contains("'self'"))
        }
    }

    @Test func hostileRequestsNeverReachTheBackend() async throws {
        try await withProxy { _, client, backend in
            let before = try await backend.requestCount()
            let foreign = try await client.get("/", host: "evil.example")
            #expect(foreign.status == 403)
            let crossSite = try await client.get(
                "/static/counter.js",
                headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"]
            )
            #expect(crossSite.status == 403)
            let absolute = try await client.get("http://127.0.0.1:\(backend.port)/")
            #expect(absolute.status == 400)
            #expect(absolute.text.contains("not an open proxy"))
            let connect = try await client.send(
                Array("CONNECT 127.0.0.1:\(backend.port) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            )
            #expect(connect.status == 400)
            #expect(try await backend.requestCount() == before)
            // A cors-mode request from another site goes through: the browser enforces the backend's answer.
            let cors = try await client.get(
                "/json",
                headers: ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "https://other.example"]
            )
            #expect(cors.status == 200)
            #expect(try await backend.requestCount() == before + 1)
        }
    }

    @Test func aDownBackendGetsA502PageAndItsReturnIsOneReload() async throws {
        let backend = try await FlaskBackend()
        let port = backend.port
        let site = try TemporarySite(["static/app.css": "body{}"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(port)"])
        let client = RawHTTPClient(port: try await swell.port())
        await backend.stop()
        let down = try await client.get("/", headers: Self.navigation)
        #expect(down.status == 502)
        #expect(down.text.contains("http://127.0.0.1:\(port)"))
        #expect(down.text.contains("connection refused"))
        #expect(down.header("Retry-After") != nil)
        #expect(occurrences(of: Self.tag, in: down.text) == 1)
        let events = try await client.openStream("/__swell/events")
        _ = try await events.waitFor("event: hello", timeout: 5)
        #expect(try await client.get("/__swell/status").text.contains("\"proxy\""))
        // The same port again: the page left on the 502 is told to reload.
        let again = try await FlaskBackend(port: port)
        _ = try await events.waitFor("event: reload", timeout: 10)
        #expect(try await client.get("/", headers: Self.navigation).status == 200)
        // And Swell itself kept serving a watched change all along.
        try site.write("static/app.css", "body{color:red}")
        _ = try await events.waitFor("/static/app.css", timeout: 10)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await again.stop()
    }

    @Test func aPrefixGoesToTheBackendAndTheRestIsServedFromRoot() async throws {
        let backend = try await FlaskBackend()
        let site = try TemporarySite(["index.html": "<h1>static home</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "/api=http://127.0.0.1:\(backend.port)"])
        let client = RawHTTPClient(port: try await swell.port())
        #expect(try await client.get("/").text.contains("static home"))
        // The path is kept: /api/json asks the backend for /api/json, which it does not have.
        #expect(try await client.get("/api/json").status == 404)
        #expect(try await backend.requestCount() == 1)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }
}

import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// WebSocket upgrades through `--proxy`, tunnelled to a real Flask backend (flask-sock's echo
/// at `/ws`): the bytes both ways on the wire, and who is refused before the backend hears of it.
@Suite struct ProxyWebSocketProcessTests {
    /// `RawHTTPClient.openStream` says `Host: 127.0.0.1`, so this is the page's own origin.
    static let sameOrigin = "http://127.0.0.1"

    static func upgrade(origin: String?) -> [String: String] {
        var headers = [
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
        ]
        headers["Origin"] = origin
        return headers
    }

    /// A text frame as a browser sends it: masked (RFC 6455 §5.3), short payload.
    static func maskedTextFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    @Test func aWebSocketIsTunnelledToTheBackendBothWays() async throws {
        let backend = try await FlaskBackend()
        let site = try TemporarySite(["templates/index.html": "<h1>t</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"])
        let client = RawHTTPClient(port: try await swell.port())
        let socket = try await client.openStream("/ws", headers: Self.upgrade(origin: Self.sameOrigin))
        let opened = try await socket.waitFor("\"forwarded_for\"")
        #expect(opened.hasPrefix("HTTP/1.1 101 "), "\(opened)")
        // The backend saw the upgrade as the browser sent it, Origin and all, and who asked.
        #expect(opened.contains("\"origin\": \"http://127.0.0.1\""))
        #expect(opened.contains("\"forwarded_for\": \"127.0.0.1\""))
        #expect(!opened.contains("Transfer-Encoding"), "a 101 is not reframed: \(opened)")
        for word in ["hello", "again"] {
            try await socket.write(Self.maskedTextFrame(word))
            _ = try await socket.waitFor("echo: \(word)")
        }
        // Ordinary requests on other connections go on meanwhile.
        #expect(try await client.get("/json").status == 200)
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        #expect(try await socket.waitForClose(timeout: 5), "the tunnel closes with the server")
        await backend.stop()
    }

    @Test func anHTTPSBackendIsReachedOverTLSForPagesAndWebSockets() async throws {
        let backend = try await FlaskBackend(tls: true)
        let site = try TemporarySite(["templates/index.html": "<h1>t</h1>"])
        let backendURL = "https://127.0.0.1:\(backend.port)"
        // Its certificate is self-signed: refused as it should be, then taken with --proxy-insecure.
        let strict = try SwellProcess([site.path, "-p", "0", "--proxy", backendURL])
        let strictClient = RawHTTPClient(port: try await strict.port())
        let page = try await strictClient.get("/json")
        #expect(page.status == 502)
        #expect(page.text.contains("--proxy-insecure"), "\(page.text)")
        let refused = try await strictClient.openStream("/ws", headers: Self.upgrade(origin: Self.sameOrigin))
        #expect(try await refused.waitForClose(timeout: 15))
        #expect(refused.text.hasPrefix("HTTP/1.1 502 "), "\(refused.text)")
        #expect(refused.text.contains("--proxy-insecure"))
        strict.signal(SIGINT)
        #expect(await strict.exitCode(within: 10) == 0)

        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", backendURL, "--proxy-insecure"])
        let client = RawHTTPClient(port: try await swell.port())
        #expect(try await client.get("/json").text == #"{"ok": true}"#)
        let socket = try await client.openStream("/ws", headers: Self.upgrade(origin: Self.sameOrigin))
        let opened = try await socket.waitFor("\"forwarded_for\"")
        #expect(opened.hasPrefix("HTTP/1.1 101 "), "\(opened)")
        try await socket.write(Self.maskedTextFrame("over tls"))
        _ = try await socket.waitFor("echo: over tls")
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
        await backend.stop()
    }

    @Test func anUpgradeFromAnotherOriginOrHostNeverReachesTheBackend() async throws {
        let backend = try await FlaskBackend()
        let site = try TemporarySite(["templates/index.html": "<h1>t</h1>"])
        let swell = try SwellProcess([site.path, "-p", "0", "--proxy", "http://127.0.0.1:\(backend.port)"])
        let port = try await swell.port()
        let client = RawHTTPClient(port: port)
        let before = try await backend.requestCount()
        for origin in ["http://evil.example", "http://127.0.0.1:1", nil] {
            let refused = try await client.get("/ws", headers: Self.upgrade(origin: origin))
            #expect(refused.status == 403, "Origin \(origin ?? "none")")
            #expect(refused.text.contains("Origin must be this server's own origin"))
        }
        // DNS rebinding: the attacker's name in Host, and its Origin to match.
        let rebound = try await client.get("/ws", headers: Self.upgrade(origin: "http://evil.example"), host: "evil.example")
        #expect(rebound.status == 403)
        #expect(rebound.text.contains("--allow-host"))
        #expect(try await backend.requestCount() == before)
        // A backend that is not there: a 502 that says so, and the connection closes.
        await backend.stop()
        let down = try await client.openStream("/ws", headers: Self.upgrade(origin: Self.sameOrigin))
        #expect(try await down.waitForClose(timeout: 15))
        #expect(down.text.hasPrefix("HTTP/1.1 502 "), "\(down.text)")
        #expect(down.text.contains("connection refused"))
        #expect(down.text.contains("http://127.0.0.1:\(backend.port)"))
        #expect(try await client.get("/__swell/status").status == 200, "Swell keeps serving")
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 10) == 0)
    }
}

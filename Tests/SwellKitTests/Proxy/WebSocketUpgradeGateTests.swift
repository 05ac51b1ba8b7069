import HTTPTypes
import NIOHTTP1
import Testing

@testable import SwellKit

@Suite struct WebSocketUpgradeGateTests {
    let gate = WebSocketUpgradeGate(
        hostCheck: HostCheck(allowedHosts: []),
        settings: ProxySettings(upstreams: [try! ProxyUpstream(parsing: "/app=http://127.0.0.1:5000/base")])
    )

    func upgrade(_ path: String, host: String = "localhost:3000", origin: String? = "http://localhost:3000", extra: HTTPFields = [:]) -> HTTPRequest {
        var fields: HTTPFields = [.upgrade: "websocket", .connection: "Upgrade", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ=="]
        if let origin { fields[.origin] = origin }
        fields.append(contentsOf: extra)
        return HTTPRequest(method: .get, scheme: "http", authority: host, path: path, headerFields: fields)
    }

    @Test func aSameOriginUpgradeUnderABackendsPrefixIsTunnelled() throws {
        let upstream = try #require(gate.upstream(for: upgrade("/app/socket?room=1")))
        #expect(upstream.prefix == "/app")
        let head = gate.backendHead(for: upgrade("/app/socket?room=1"), upstream: upstream, clientAddress: "127.0.0.1")
        #expect(head.uri == "/base/app/socket?room=1")
        #expect(head.headers["Upgrade"] == ["websocket"])
        #expect(head.headers["Connection"] == ["Upgrade"])
        #expect(head.headers["Sec-WebSocket-Key"] == ["dGhlIHNhbXBsZSBub25jZQ=="])
        #expect(head.headers["X-Forwarded-For"] == ["127.0.0.1"])
    }

    @Test(arguments: [
        ("http://evil.example", "localhost:3000"),
        ("http://localhost:3001", "localhost:3000"),
        ("https://localhost:3000", "localhost:3000"),
        ("null", "localhost:3000"),
        ("http://evil.example", "evil.example"),
    ])
    func anotherOriginOrAForeignHostIsNotTunnelled(origin: String, host: String) {
        #expect(gate.upstream(for: upgrade("/app/socket", host: host, origin: origin)) == nil)
    }

    @Test func noOriginACrossSiteFetchOrAPathOutsideTheBackendIsNotTunnelled() {
        #expect(gate.upstream(for: upgrade("/app/socket", origin: nil)) == nil)
        #expect(gate.upstream(for: upgrade("/app/socket", extra: [.secFetchSite: "cross-site"])) == nil)
        #expect(gate.upstream(for: upgrade("/static/socket")) == nil)
        #expect(gate.upstream(for: upgrade("/__swell/events")) == nil)
        #expect(gate.upstream(for: upgrade("/app/%2e%2e/%2e%2e/etc")) == nil)
        #expect(gate.upstream(for: upgrade(AbsoluteFormHandler.marker)) == nil)
    }

    @Test func onlyAWebSocketUpgradeCounts() {
        #expect(WebSocketUpgradeGate.isWebSocketUpgrade([.upgrade: "WebSocket"]))
        #expect(WebSocketUpgradeGate.isWebSocketUpgrade([.upgrade: "h2c, websocket"]))
        #expect(!WebSocketUpgradeGate.isWebSocketUpgrade([.upgrade: "h2c"]))
        #expect(!WebSocketUpgradeGate.isWebSocketUpgrade([:]))
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// DNS rebinding: a page on attacker.example points its own name at 127.0.0.1 and then reads
/// Swell's answers as same-origin. The request still says `Host: attacker.example`, so while
/// Swell listens on loopback only loopback names (and `--allow-host` names) get through.
/// webpack-dev-server's Host check (`allowedHosts`) and Vite CVE-2025-24010 (`server.allowedHosts`).
@Suite struct HostAttackTests {
    static let attacks: [Attack] = [
        Attack("evil.com", "rebinding to a foreign name"), Attack("evil.com:5000", "foreign name with the port"),
        Attack("localhost.evil.com", "a name that starts like localhost"), Attack("127.0.0.1.nip.io", "wildcard DNS to loopback"),
        Attack("attacker.nip.io", "wildcard DNS service"), Attack("192.168.0.10", "a LAN address"),
        Attack("0x7f000001", "hexadecimal IPv4"), Attack("2130706433", "decimal IPv4"), Attack("127.1", "short IPv4"),
        Attack("[::ffff:127.0.0.1]", "IPv4-mapped IPv6"), Attack("localhost.", "trailing-dot FQDN"),
        Attack("evil.com\t", "trailing whitespace"), Attack("", "empty Host header"),
    ]

    @Test(arguments: attacks)
    func foreignHostHeadersGet403NamingAllowHost(attack: Attack) async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site) { client in
            for path in ["/index.html", "/__swell/status", "/__swell/client.js", "/stream"] {
                let raw = "GET \(path) HTTP/1.1\r\nHost: \(attack.target)\r\nConnection: close\r\n\r\n"
                let response = try await client.send(Array(raw.utf8))
                #expect([400, 403].contains(response.status), "\(path) with Host \(attack.target) → \(response.status)")
                #expect(!response.text.contains("home"))
                #expect(!response.text.contains("\"version\""))
                if response.status == 403 { #expect(response.text.contains("--allow-host")) }
            }
        }
    }

    @Test func theEventStreamRefusesAForeignHostToo() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site) { client in
            let response = try await client.get("/__swell/events", method: "HEAD", host: "evil.com:5000")
            #expect(response.status == 403)
            #expect(response.header("Content-Type") != "text/event-stream")
        }
    }

    @Test(arguments: ["localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000", "app.localhost", "LOCALHOST:5000"])
    func loopbackNamesAreServed(host: String) async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site) { client in
            let response = try await client.get("/index.html", host: host)
            #expect(response.status == 200)
        }
    }

    @Test func allowHostLetsANamedHostThrough() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try await withRunningServer(site, configure: { $0.allowedHosts = ["myapp.test"] }) { (client: RawHTTPClient) async throws in
            #expect(try await client.get("/index.html", host: "myapp.test:5000").status == 200)
            #expect(try await client.get("/index.html", host: "other.test").status == 403)
        }
    }
}

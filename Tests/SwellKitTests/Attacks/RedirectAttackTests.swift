import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// Open redirects through the folder redirect (`/docs` → `/docs/`): a server that echoes
/// the path sends `Location: //evil.com/`, which the browser reads as another host.
@Suite struct RedirectAttackTests {
    static let attacks: [Attack] = [
        Attack("//evil.com", "ecstatic/http-server CVE-2019-10775: //host in the trailing-slash redirect"),
        Attack("/\\evil.com", "backslash read as a slash by browsers (echo #1771)"),
        Attack("/%2fevil.com", "encoded second slash (Apostrophe 2019 report)"),
        Attack("/%2f%2fevil.com", "encoded double slash"),
        Attack("/%5cevil.com", "encoded backslash (echo #1771)"),
        Attack("//evil.com/%2e%2e", "echo #2259: //host%2f.. in the static handler"),
        Attack("///evil.com", "triple slash"),
        Attack("/%09/evil.com", "tab that browsers strip"),
    ]

    @Test(arguments: attacks)
    func folderRedirectsStaySameOrigin(attack: Attack) async throws {
        // Folders whose names make the redirect happen.
        let site = try TemporarySite(["evil.com/index.html": "x", "\\evil.com/index.html": "x", "\t/evil.com/index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get(attack.target)
            guard let location = response.header("Location") else { return }
            #expect(location.hasPrefix("/"))
            #expect(!location.hasPrefix("//"))
            #expect(!location.hasPrefix("/\\"))
            #expect(!location.contains("\t"))
            // How a browser would resolve it: still this server.
            let resolved = URL(string: location, relativeTo: URL(string: "http://127.0.0.1:\(client.port)/"))
            #expect(resolved?.host == "127.0.0.1", "\(location)")
        }
    }

    @Test func theRedirectKeepsTheQueryButNeverTheHost() async throws {
        let site = try TemporarySite(["docs/index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get("/docs?next=//evil.com")
            #expect(response.status == 302)
            #expect(response.header("Location") == "/docs/?next=//evil.com")
        }
    }
}

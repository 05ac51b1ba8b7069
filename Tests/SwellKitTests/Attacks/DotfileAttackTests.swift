import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// Dotfiles and dot-folders (`.env`, `.git/`) are never served or listed, however the path
/// is spelled; `/.well-known/` is the one exception.
@Suite struct DotfileAttackTests {
    static let files = [
        "index.html": "<p>home</p>", ".env": "SECRET=1", ".env.local": "SECRET=2", ".ENV": "SECRET=3", ".git/config": "[core] SECRET",
        ".git/HEAD": "ref: SECRET", ".well-known/security.txt": "Contact: x", "dir/.hidden/x.txt": "SECRET=4", "a/.env": "SECRET=5",
        "\u{605}/.env": "SECRET=6",
    ]

    static let attacks: [Attack] = [
        Attack("/.env", "the classic"), Attack("/.env.local", "Vite default deny list .env.*"),
        Attack("/.ENV", "Vite CVE-2024-23331: case-insensitive match"), Attack("/.git/config", "exposed .git"),
        Attack("/.git/HEAD", "exposed .git"), Attack("/%2egit/config", "encoded dot"), Attack("/.git%2fconfig", "encoded slash inside .git"),
        Attack("/.git/", "listing .git"), Attack("/.git", "redirect into .git"), Attack("/dir/.hidden/x.txt", "nested dot-folder"),
        Attack("/a/.env", "nested dotfile"), Attack("/.env/.", "Vite CVE-2025-46565: trailing /."),
        Attack("/.env/", "trailing slash"), Attack("/./.env", "dot segment first"), Attack("/a/../.env", "dot-dot back to ROOT"),
        Attack("/.well-known/../.env", "through the allowed dot-folder"), Attack("/.env?raw", "Vite CVE-2025-30208 query"),
        Attack("/.env?import&raw??", "Vite CVE-2024-45811 query"), Attack("/.env?inline&import", "Vite CVE-2025-31125 query"),
        Attack("/.env%20", "trailing encoded space"), Attack("/.env%2e", "trailing encoded dot"),
        Attack("//.env", "Vite GHSA-353f-5xf4-qw67: double slash"),
        Attack("/%D8%85/.env", "found by Swell's fuzzer: U+0605 and / form one Character, hiding the dot"), Attack("/.env%00", "NUL"),
        Attack("/.env#", "raw #"),
    ]

    @Test(arguments: attacks)
    func dotfilesAreNeverServed(attack: Attack) async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            let response = try await client.get(attack.target)
            #expect([400, 404].contains(response.status), "\(attack.target) → \(response.status)")
            #expect(!response.rawText.contains("SECRET"))
            expectNothingFromOutsideRoot(response, attack.target)
        }
    }

    @Test func wellKnownIsTheOneServedDotFolderAndListingsHideTheRest() async throws {
        let site = try TemporarySite(Self.files)
        try await withRunningServer(site) { client in
            #expect(try await client.get("/.well-known/security.txt").text == "Contact: x")
            for folder in ["/", "/dir/", "/a/"] {
                let listing = try await client.get(folder).text
                #expect(!listing.contains(".env"), "\(folder)")
                #expect(!listing.contains(".git"), "\(folder)")
                #expect(!listing.contains(".hidden"), "\(folder)")
            }
        }
    }
}

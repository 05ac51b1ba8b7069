import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct DirectoryListingTests {
    @Test func foldersComeFirstAndHiddenOrEscapingEntriesAreLeftOut() throws {
        let site = try TemporarySite(["b.txt": "b", "A.txt": "a", ".env": "SECRET=1", "zeta/x.txt": "x", ".git/config": "c"])
        try site.symlink("escape", to: "../sentinel.txt")
        try site.symlink("inner", to: "b.txt")
        let root = try RootDirectory(path: site.root.path)
        let listing = DirectoryListing(folder: try root.open(".").get(), relativePath: ".", urlPath: "/", root: root)
        #expect(listing.entries.map(\.name) == ["zeta", "A.txt", "b.txt", "inner"])
        #expect(!listing.html.contains(".env"))
        #expect(!listing.html.contains("escape"))
    }

    @Test func namesCannotInjectMarkupOrSchemes() throws {
        let site = try TemporarySite([
            "<img src=x onerror=alert(1)>.html": "x", "javascript:alert(1)": "x", "a\"b'c&d.txt": "x",
        ])
        let root = try RootDirectory(path: site.root.path)
        let html = DirectoryListing(folder: try root.open(".").get(), relativePath: ".", urlPath: "/<script>/", root: root).html
        #expect(!html.contains("<img"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;.html"))
        #expect(html.contains("href=\"./javascript%3Aalert(1)\""))
        #expect(html.contains("a&quot;b&#39;c&amp;d.txt"))
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// After a build only files whose bytes changed count: a rewrite with the same bytes is nothing.
@Suite struct OutputDigestsTests {
    @Test func rewritingTheSameBytesIsNoChangeAndNewBytesAre() throws {
        let site = try TemporarySite(["a.html": "a", "b.css": "b", "sub/c.html": "c"])
        let root = site.root.path
        var digests = OutputDigests(root: root) { _, _ in false }
        try site.write("a.html", "a")
        try site.write("b.css", "b2")
        let difference = digests.update(touched: [root + "/a.html", root + "/b.css"])
        #expect(difference == .init(changed: [root + "/b.css"], deleted: []))
        #expect(digests.update(touched: [root + "/b.css"]) == .init())
    }

    @Test func aReplacedRootIsComparedWhole() throws {
        let site = try TemporarySite(["a.html": "a", "sub/c.html": "c"])
        let root = site.root.path
        var digests = OutputDigests(root: root) { _, _ in false }
        try FileManager.default.removeItem(atPath: root + "/sub")
        try site.write("a.html", "a")
        try site.write("new.html", "n")
        #expect(digests.rescan() == .init(changed: [root + "/new.html"], deleted: [root + "/sub/c.html"]))
    }
}

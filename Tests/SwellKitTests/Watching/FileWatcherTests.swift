import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// Real folders, both watchers: what a user's editor and shell do must show up.
@Suite struct FileWatcherTests {
    enum Kind: String, CaseIterable, Sendable { case inotify, polling }

    func makeWatcher(_ kind: Kind, _ site: TemporarySite) -> any FileWatcher {
        let ignore = IgnoreRules(root: site.root.path)
        switch kind {
        case .inotify: return InotifyWatcher(roots: [site.root.path], ignore: ignore)
        case .polling: return PollingWatcher(roots: [site.root.path], ignore: ignore, interval: .milliseconds(20))
        }
    }

    func started(_ kind: Kind, _ site: TemporarySite) async throws -> (any FileWatcher, EventCollector) {
        let watcher = makeWatcher(kind, site)
        let collector = EventCollector(watcher)
        let ready = await collector.waitUntilReady()
        try #require(ready)
        // Files the site wrote in the same coarse-clock tick as the start are reported once as
        // changed during setup (by design); tests look only at what happens after `ready`.
        collector.clear()
        return (watcher, collector)
    }

    func touched(_ events: [WatchEvent], _ path: String) -> Bool {
        events.contains { $0.path == path && $0.kind != .deleted && $0.kind != .movedFrom }
    }

    @Test(arguments: Kind.allCases)
    func writesCreatesAndDeletesAreSeen(kind: Kind) async throws {
        let site = try TemporarySite(["a.html": "a", "sub/b.css": "b"])
        let (watcher, events) = try await started(kind, site)
        defer { watcher.stop() }
        let a = site.root.appendingPathComponent("a.html").path
        try site.write("a.html", "a2 longer")
        #expect(await events.waitUntil { self.touched($0, a) })
        let c = site.root.appendingPathComponent("sub/c.js").path
        try site.write("sub/c.js", "c")
        #expect(await events.waitUntil { self.touched($0, c) })
        try FileManager.default.removeItem(atPath: a)
        #expect(await events.waitUntil { $0.contains { $0.path == a && ($0.kind == .deleted) } })
    }

    @Test(arguments: Kind.allCases)
    func newNestedFoldersAreWatchedAtOnce(kind: Kind) async throws {
        let site = try TemporarySite(["index.html": "x"])
        let (watcher, events) = try await started(kind, site)
        defer { watcher.stop() }
        try site.mkdir("new/deeper")
        try site.write("new/deeper/page.html", "1")
        let page = site.root.appendingPathComponent("new/deeper/page.html").path
        #expect(await events.waitUntil { self.touched($0, page) })
        events.clear()
        // Once watched, later writes inside are seen too.
        try site.write("new/deeper/page.html", "22")
        #expect(await events.waitUntil { self.touched($0, page) })
    }

    @Test(arguments: Kind.allCases)
    func foldersRenamedInsideTheTreeReportUnderTheirNewName(kind: Kind) async throws {
        let site = try TemporarySite(["old/inner/x.html": "x"])
        let (watcher, events) = try await started(kind, site)
        defer { watcher.stop() }
        try FileManager.default.moveItem(at: site.root.appendingPathComponent("old"), to: site.root.appendingPathComponent("new"))
        let renamed = site.root.appendingPathComponent("new").path
        #expect(await events.waitUntil { $0.contains { $0.path == renamed && ($0.kind == .movedTo || $0.kind == .created) } })
        events.clear()
        try site.write("new/inner/x.html", "changed")
        let moved = site.root.appendingPathComponent("new/inner/x.html").path
        #expect(await events.waitUntil { self.touched($0, moved) })
        #expect(!events.all.contains { $0.path.contains("/old/") && $0.kind == .modified })
    }

    @Test func foldersMovedOutStopReporting() async throws {
        let site = try TemporarySite(["gone/inner/x.html": "x", "stay.html": "s"])
        let (watcher, events) = try await started(.inotify, site)
        defer { watcher.stop() }
        let outside = site.container.appendingPathComponent("moved-out")
        try FileManager.default.moveItem(at: site.root.appendingPathComponent("gone"), to: outside)
        #expect(await events.waitUntil { $0.contains { $0.kind == .movedFrom && $0.path.hasSuffix("/gone") } })
        // Written at once, while the move-out may still be pending on the watcher thread.
        try Data("y".utf8).write(to: outside.appendingPathComponent("inner/x.html"))
        try site.write("stay.html", "s2")
        let stay = site.root.appendingPathComponent("stay.html").path
        #expect(await events.waitUntil { self.touched($0, stay) })
        #expect(!events.all.contains { $0.path.contains("x.html") }, "\(events.all)")
    }

    @Test(arguments: Kind.allCases)
    func ignoredFoldersProduceNoEvents(kind: Kind) async throws {
        let site = try TemporarySite(["node_modules/pkg/index.js": "x", ".git/HEAD": "ref", "page.html": "p"])
        let (watcher, events) = try await started(kind, site)
        defer { watcher.stop() }
        try site.write("node_modules/pkg/index.js", "changed")
        try site.write(".git/HEAD", "changed")
        try site.write("page.swp", "swap")
        try site.write("page.html", "p2")
        let page = site.root.appendingPathComponent("page.html").path
        #expect(await events.waitUntil { self.touched($0, page) })
        #expect(!events.all.contains { $0.path.contains("node_modules") || $0.path.contains(".git") || $0.path.hasSuffix(".swp") })
    }

    @Test func changesMadeWhileTheWatchIsSetUpAreReported() async throws {
        let site = try TemporarySite(["early.html": "1"])
        let watcher = makeWatcher(.inotify, site)
        let events = EventCollector(watcher)
        // Written after start() but possibly before the watch exists: reported either way.
        try site.write("early.html", "2")
        defer { watcher.stop() }
        let early = site.root.appendingPathComponent("early.html").path
        #expect(await events.waitUntilReady())
        #expect(await events.waitUntil { self.touched($0, early) })
    }
}

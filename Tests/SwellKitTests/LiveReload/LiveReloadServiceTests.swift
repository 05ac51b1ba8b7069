import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// Each editor's save style, on a real folder with each watcher, becomes exactly one event
/// for the real file's URL path. "Exactly one" is checked without sleeping: after the first
/// event, a marker file is written, and no second event for the page may come before the
/// marker's.
@Suite struct LiveReloadServiceTests {
    enum SaveStyle: String, CaseIterable, Sendable {
        case inPlace, tempThenRename, backupThenWrite, touch, vimProbe
    }

    static func save(_ style: SaveStyle, _ site: TemporarySite, _ name: String, _ text: String) throws {
        let url = site.root.appendingPathComponent(name)
        let folder = url.deletingLastPathComponent()
        switch style {
        case .inPlace:
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        case .tempThenRename:
            let temp = folder.appendingPathComponent(".\(name).tmp\(Int.random(in: 1000...9999))")
            try Data(text.utf8).write(to: temp)
            _ = rename(temp.path, url.path)
        case .backupThenWrite:
            let backup = folder.appendingPathComponent(name + "~")
            _ = rename(url.path, backup.path)
            try Data(text.utf8).write(to: url)
            try FileManager.default.removeItem(at: backup)
        case .touch:
            _ = utimensat(AT_FDCWD, url.path, nil, 0)
        case .vimProbe:
            let probe = folder.appendingPathComponent("4913")
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
            let backup = folder.appendingPathComponent(name + "~")
            _ = rename(url.path, backup.path)
            try Data(text.utf8).write(to: url)
            try FileManager.default.removeItem(at: backup)
        }
    }

    static func countEvents(mentioning path: String, in text: String) -> Int {
        text.components(separatedBy: "\n\n").filter { $0.contains("id: ") && $0.contains("\"\(path)\"") }.count
    }

    @Test(arguments: SaveStyle.allCases, [false, true])
    func everySaveStyleIsExactlyOneEvent(style: SaveStyle, polling: Bool) async throws {
        let site = try TemporarySite(["page.html": "<p>1</p>", "marker.txt": "0"])
        // A generous --wait: on a loaded machine (the whole suite at once on two cores) this
        // process can stall between the steps of one save; a finished save still goes out
        // after the short settle period, which is what this exercises.
        try await withRunningServer(
            site,
            configure: {
                $0.waitMilliseconds = 300
                if polling { $0.pollMilliseconds = 25 }
            }
        ) { client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"version\"")
            try await waitForWatch(client)
            try Self.save(style, site, "page.html", "<p>2</p>")
            _ = try await stream.waitFor("\"/page.html\"")
            try site.write("marker.txt", "1")
            let text = try await stream.waitFor("\"/marker.txt\"")
            #expect(Self.countEvents(mentioning: "/page.html", in: text) == 1, "\(text)")
            #expect(text.contains("event: reload\ndata: {\"paths\":[\"/page.html\"]}"))
        }
    }

    @Test func stylesheetsAndImagesAreUpdatesAndDeletionsReloads() async throws {
        let site = try TemporarySite(["a.css": "a{}", "img/logo.png": "png", "index.html": "x"])
        // 300 ms, as the save-style test: under the whole suite this process stalled once for
        // more than 50 ms inside one in-place write, and its close joined the next batch.
        try await withRunningServer(site, configure: { $0.waitMilliseconds = 300 }) { client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"version\"")
            try await waitForWatch(client)
            try site.write("a.css", "a{color:red}")
            #expect(try await stream.waitFor("\"/a.css\"").contains("event: update\ndata: {\"paths\":[\"/a.css\"]}"))
            try site.write("img/logo.png", "png2")
            #expect(try await stream.waitFor("\"/img/logo.png\"").contains("event: update\ndata: {\"paths\":[\"/img/logo.png\"]}"))
            try FileManager.default.removeItem(at: site.root.appendingPathComponent("a.css"))
            let text = try await stream.waitFor("event: reload\ndata: {\"paths\":[\"/a.css\"]}")
            // The deletion's event, whatever came before it: a reload, never an update of a sheet that is gone.
            let deletion = try #require(text.components(separatedBy: "\"/img/logo.png\"]}").last)
            #expect(deletion.contains("event: reload\ndata: {\"paths\":[\"/a.css\"]}"), "\(deletion)")
            #expect(!deletion.contains("event: update"), "\(deletion)")
        }
    }

    @Test func extraWatchFoldersReloadWithTheirFiles() async throws {
        let site = try TemporarySite(["index.html": "x"])
        let templates = site.container.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try await withRunningServer(site, configure: { $0.extraWatchPaths = [templates.path] }) { client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"version\"")
            try await waitForWatch(client)
            try Data("base".utf8).write(to: templates.appendingPathComponent("base.css"))
            let text = try await stream.waitFor("\"files\"")
            #expect(text.contains("event: reload\ndata: {\"paths\":[],\"files\":[\"\(templates.path)/base.css\"]}"))
        }
    }

    /// Polls `/__swell/status` until the watch is complete (bounded).
    func waitForWatch(_ client: RawHTTPClient) async throws {
        let ready = try await eventually(within: .seconds(5)) { try await client.get("/__swell/status").text.contains("\"watchReady\":true") }
        #expect(ready, "the watch never became ready")
    }
}

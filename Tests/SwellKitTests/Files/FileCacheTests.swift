import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwellTestSupport
import Synchronization
import Testing

@testable import SwellKit

// `stat` and `timespec` as Dispatch's C module declares them (see EntityTagTests).
#if canImport(CDispatch)
    import CDispatch
#endif

/// The cache must never change what a client receives: the same bytes and headers as a
/// fresh read, and never a stale or out-of-ROOT byte after any kind of change.
@Suite struct FileCacheTests {
    /// A responder over `site` with its own cache, called directly so that the test knows
    /// when a response has filled the cache.
    struct Fixture {
        let site: TemporarySite
        let cache: FileCache
        let responder: StaticFileResponder

        init(_ files: [String: String], cache: FileCache = FileCache(), inject: Bool = false) throws {
            site = try TemporarySite(files)
            self.cache = cache
            responder = StaticFileResponder(
                root: try RootDirectory(path: site.root.path),
                options: .init(injection: InjectionPolicy(enabled: inject), cache: cache)
            )
        }

        func get(_ path: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:]) async throws -> Fetched {
            let request = Request(
                head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: path, headerFields: headers),
                body: RequestBody(buffer: ByteBuffer())
            )
            let response = responder.respond(to: request, path: try RequestPath.parse(path))
            let sink = BodySink()
            try await response.body.write(CollectingWriter(sink: sink))
            var fields = response.headers
            fields[.date] = nil
            return Fetched(status: response.status.code, headers: fields, body: sink.bytes)
        }
    }

    struct Fetched: Equatable {
        let status: Int
        let headers: HTTPFields
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    final class BodySink: Sendable {
        private let collected = Mutex<[UInt8]>([])
        func append(_ buffer: ByteBuffer) { collected.withLock { $0 += Array(buffer.readableBytesView) } }
        var bytes: [UInt8] { collected.withLock { $0 } }
    }

    struct CollectingWriter: ResponseBodyWriter {
        let sink: BodySink
        mutating func write(_ buffer: ByteBuffer) async throws { sink.append(buffer) }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    static let navigation: HTTPFields = [HTTPField.Name("Sec-Fetch-Dest")!: "document"]

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let path: String
        let method: HTTPRequest.Method
        let headers: HTTPFields
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "whole file", path: "/data.bin", method: .get, headers: [:]),
        Case(name: "byte range", path: "/data.bin", method: .get, headers: [.range: "bytes=2-5"]),
        Case(name: "suffix range", path: "/data.bin", method: .get, headers: [.range: "bytes=-3"]),
        Case(name: "unsatisfiable range", path: "/data.bin", method: .get, headers: [.range: "bytes=50-"]),
        Case(name: "HEAD", path: "/data.bin", method: .head, headers: [:]),
        Case(name: "HTML navigation, injected", path: "/page.html", method: .get, headers: navigation),
        Case(name: "HTML fetched by a script, not injected", path: "/page.html", method: .get, headers: [:]),
        Case(name: "folder index", path: "/docs/", method: .get, headers: navigation),
        Case(name: "clean URL", path: "/page", method: .get, headers: navigation),
        Case(name: "empty file", path: "/empty.txt", method: .get, headers: [:]),
    ]

    static let files = [
        "data.bin": "0123456789",
        "page.html": "<html><body><p>page</p></body></html>",
        "docs/index.html": "<p>docs</p>",
        "empty.txt": "",
    ]

    @Test(arguments: cases)
    func aCachedResponseIsByteForByteTheFreshOne(_ item: Case) async throws {
        let fixture = try Fixture(Self.files, inject: true)
        let fresh = try await fixture.get(item.path, method: item.method, headers: item.headers)
        // Fill the cache with a plain whole GET of the same file, then ask again.
        _ = try await fixture.get(item.path)
        #expect(fixture.cache.usage.files == 1, "the whole GET did not fill the cache")
        let cached = try await fixture.get(item.path, method: item.method, headers: item.headers)
        #expect(cached == fresh)
    }

    @Test func aRevalidationOfACachedFileIs304() async throws {
        let fixture = try Fixture(Self.files)
        let first = try await fixture.get("/data.bin")
        let etag = try #require(first.headers[.eTag])
        let again = try await fixture.get("/data.bin", headers: [.ifNoneMatch: etag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
    }

    @Test func aRewriteOfTheSameSizeWithTheOldMtimePutBackIsServedFresh() async throws {
        let fixture = try Fixture(["a.txt": "old text"])
        #expect(try await fixture.get("/a.txt").text == "old text")
        #expect(fixture.cache.usage.files == 1)
        let path = fixture.site.root.appendingPathComponent("a.txt").path
        var before = stat()
        stat(path, &before)
        try fixture.site.write("a.txt", "new text")
        // `cp -p` and `touch -d` can put mtime back; ctime, which no one can set, still moves.
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(try await fixture.get("/a.txt").text == "new text")
    }

    @Test func anAtomicSaveOverACachedFileIsServedFresh() async throws {
        let fixture = try Fixture(["a.txt": "old text"])
        _ = try await fixture.get("/a.txt")
        try fixture.site.write("a.txt.tmp", "new text")
        #expect(rename(fixture.site.root.appendingPathComponent("a.txt.tmp").path, fixture.site.root.appendingPathComponent("a.txt").path) == 0)
        #expect(try await fixture.get("/a.txt").text == "new text")
    }

    @Test func aDeletedCachedFileIs404() async throws {
        let fixture = try Fixture(["a.txt": "text"])
        _ = try await fixture.get("/a.txt")
        try FileManager.default.removeItem(at: fixture.site.root.appendingPathComponent("a.txt"))
        #expect(try await fixture.get("/a.txt").status == 404)
    }

    @Test func aCachedFileReplacedByASymlinkOutOfRootIs403() async throws {
        let fixture = try Fixture(["a.txt": String(repeating: "x", count: TemporarySite.sentinelText.count)])
        _ = try await fixture.get("/a.txt")
        try FileManager.default.removeItem(at: fixture.site.root.appendingPathComponent("a.txt"))
        try fixture.site.symlink("a.txt", to: fixture.site.sentinelPath)
        let response = try await fixture.get("/a.txt")
        #expect(response.status == 403)
        #expect(!response.text.contains(TemporarySite.sentinelText))
    }

    @Test func aCachedFolderIndexWhoseFolderBecameAFileIsNotServed() async throws {
        let fixture = try Fixture(["docs/index.html": "<p>docs</p>"])
        _ = try await fixture.get("/docs/")
        try FileManager.default.removeItem(at: fixture.site.root.appendingPathComponent("docs"))
        try fixture.site.write("docs", "now a file")
        #expect(try await fixture.get("/docs/").status == 404)
    }

    @Test func aFillThatRacedAnInvalidationIsNotKept() async throws {
        let site = try TemporarySite(["a.txt": "text"])
        let root = try RootDirectory(path: site.root.path)
        let cache = FileCache()
        let file = try root.open("a.txt").get()
        let generation = cache.generation
        cache.invalidateAll()  // a change arrived while the bytes were being read
        cache.store("a.txt", file: file, bytes: ByteBuffer(string: "text"), generation: generation)
        #expect(cache.usage.files == 0)
        cache.store("a.txt", file: file, bytes: ByteBuffer(string: "text"), generation: cache.generation)
        #expect(cache.usage.files == 1)
    }

    @Test func bytesReadFromAFileThatChangedMeanwhileAreNotKept() async throws {
        let site = try TemporarySite(["a.txt": "text"])
        let root = try RootDirectory(path: site.root.path)
        let cache = FileCache()
        let file = try root.open("a.txt").get()
        let generation = cache.generation
        try site.write("a.txt", "longer text")
        cache.store("a.txt", file: file, bytes: ByteBuffer(string: "text"), generation: generation)
        #expect(cache.usage.files == 0)
    }

    @Test func whenFullTheLeastRecentlyUsedFilesGoFirst() async throws {
        let names = (0..<8).map { "f\($0).txt" }
        let fixture = try Fixture(
            Dictionary(uniqueKeysWithValues: names.map { ($0, String(repeating: "x", count: 100)) }),
            cache: FileCache(maxFileSize: 100, capacity: 400)
        )
        for name in names.prefix(4) { _ = try await fixture.get("/" + name) }
        _ = try await fixture.get("/f0.txt")  // f0 is now the most recently used
        _ = try await fixture.get("/f4.txt")  // over capacity: evicts down to half
        let usage = fixture.cache.usage
        #expect(usage.bytes <= 400)
        #expect(usage.files == 2)
        // f0 and f4 survived: changing f1 behind the cache's back cannot show, but f0 still hits.
        #expect(fixture.cache.lookup("f0.txt", currentStamp: { fixture.responder.root.stamp(of: "f0.txt") }) != nil)
        #expect(fixture.cache.lookup("f1.txt", currentStamp: { fixture.responder.root.stamp(of: "f1.txt") }) == nil)
    }

    @Test func filesAboveTheSizeLimitAreStreamedEachTime() async throws {
        let fixture = try Fixture(["big.bin": String(repeating: "b", count: 2048)], cache: FileCache(maxFileSize: 1024))
        #expect(try await fixture.get("/big.bin").body.count == 2048)
        #expect(fixture.cache.usage.files == 0)
    }

    @Test func aWatcherEventEmptiesTheCacheBeforeTheReloadIsPublished() async throws {
        let fixture = try Fixture(["page.html": "<p>1</p>"])
        _ = try await fixture.get("/page.html")
        #expect(fixture.cache.usage.files == 1)
        let hub = EventHub(instanceID: "test")
        var logger = Logger(label: "swell.test")
        logger.logLevel = .critical
        let watcher = ScriptedWatcher([.ready, .change(WatchEvent(path: fixture.site.root.path + "/page.html", kind: .modified, settles: true))])
        let service = LiveReloadService(
            configuration: SwellConfiguration(root: fixture.site.root.path),
            hub: hub,
            logger: logger,
            clock: .continuous,
            watchers: .scripted(inotify: watcher),
            fileCache: fixture.cache
        )
        let queue = hub.subscribe(lastEventID: nil)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        guard case .event(let event) = await queue.next() else {
            Issue.record("no event for the change")
            return
        }
        #expect(event.name == .reload)
        #expect(fixture.cache.usage.files == 0)
    }
}

import Foundation
import SwellTestSupport
import Synchronization
import Testing

@testable import SwellKit

@Suite struct RootDirectoryTests {
    /// Both strategies must agree: openat2, and the O_NOFOLLOW walk for kernels before 5.6.
    @Test(arguments: [false, true])
    func symlinksThatLeaveRootAreRefused(componentWalk: Bool) throws {
        let site = try TemporarySite(["inside.txt": "ok", "sub/deep.txt": "deep"])
        try site.symlink("out-rel", to: "../sentinel.txt")
        try site.symlink("out-abs", to: site.sentinelPath)
        try site.symlink("out-dir", to: site.container.path)
        try site.symlink("in-rel", to: "inside.txt")
        try site.symlink("in-abs", to: site.root.appendingPathComponent("sub").path)
        let root = try RootDirectory(path: site.root.path, forceComponentWalk: componentWalk)

        #expect(failure(root.open("out-rel")) == .escapesRoot)
        #expect(failure(root.open("out-abs")) == .escapesRoot)
        #expect(failure(root.open("out-dir/sentinel.txt")) == .escapesRoot)
        #expect(try root.open("in-rel").get().size == 2)
        #expect(try root.open("in-abs/deep.txt").get().size == 4)
        #expect(try root.open(".").get().kind == .directory)
        #expect(failure(root.open("missing.txt")) == .notFound)
        #expect(failure(root.open("inside.txt/x")) == .notFound)
    }

    @Test func missingRootNamesTheFolder() {
        #expect(throws: SwellError.rootMissing("/nonexistent/swell-root")) { try RootDirectory(path: "/nonexistent/swell-root") }
    }

    @Test func fileAsRootNamesTheFile() throws {
        let site = try TemporarySite(["a.txt": "x"])
        let file = site.root.appendingPathComponent("a.txt").path
        #expect(throws: SwellError.rootNotAFolder(file)) { try RootDirectory(path: file) }
    }

    private func failure(_ result: Result<OpenFile, RootDirectory.OpenFailure>) -> RootDirectory.OpenFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }
}

/// openat2 answers EAGAIN for a `..` in a symlink's target when any rename anywhere on the
/// system races the lookup (RESOLVE_BENEATH cannot then prove that `..` stayed inside): an
/// editor's atomic saves elsewhere must not turn such a page into an error or a listing.
@Suite struct RootDirectoryRenameRaceTests {
    @Test func aSymlinkWithDotDotOpensWhileFilesAreRenamedElsewhere() throws {
        let site = try TemporarySite(["page/real.html": "<p>real</p>", "busy/a": "a"])
        try site.symlink("page/index.html", to: "../page/real.html")
        let root = try RootDirectory(path: site.root.path)
        let stop = Atomic<Bool>(false)
        let busy = site.root.appendingPathComponent("busy").path
        let renamer = Thread {
            while !stop.load(ordering: .relaxed) {
                rename(busy + "/a", busy + "/b")
                rename(busy + "/b", busy + "/a")
            }
        }
        renamer.start()
        defer { stop.store(true, ordering: .relaxed) }
        var failures: [String: Int] = [:]
        for _ in 0..<20_000 {
            if case .failure(let failure) = root.open("page/index.html") { failures["\(failure)", default: 0] += 1 }
        }
        #expect(failures.isEmpty, "of 20,000 opens: \(failures)")
    }
}

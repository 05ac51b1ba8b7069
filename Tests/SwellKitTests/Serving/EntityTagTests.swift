import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may resolve `timespec` to the copy Dispatch's C
// module declares (which Foundation pulls in), depending on how the module's files are batched.
#if canImport(CDispatch)
    import CDispatch
#endif

@Suite struct EntityTagTests {
    @Test func sameSizeSaveWithinOneSecondGetsANewTag() throws {
        let site = try TemporarySite(["page.html": "version-1"])
        let root = try RootDirectory(path: site.root.path)
        let first = try root.open("page.html").get()
        let url = site.root.appendingPathComponent("page.html")
        // Write in place (same inode, same size), and pin both mtimes inside one whole second.
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data("version-2".utf8))
        try handle.close()
        var times = [
            timespec(tv_sec: Int(first.modifiedSeconds), tv_nsec: 900_000_000), timespec(tv_sec: Int(first.modifiedSeconds), tv_nsec: 900_000_000),
        ]
        if first.stamp.modifiedNanoseconds % 1_000_000_000 == 900_000_000 { times[1].tv_nsec = 100_000_000 }
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        let second = try root.open("page.html").get()

        #expect(first.size == second.size)
        #expect(first.modifiedSeconds == second.modifiedSeconds)
        #expect(EntityTag(file: first) != EntityTag(file: second))
    }

    @Test func ifNoneMatchComparesWeaklyAndAcceptsLists() throws {
        let site = try TemporarySite(["a.txt": "x"])
        let tag = EntityTag(file: try RootDirectory(path: site.root.path).open("a.txt").get())
        #expect(tag.matches(anyOf: tag.description))
        #expect(tag.matches(anyOf: "\"other\", W/\(tag.description)"))
        #expect(tag.matches(anyOf: "*"))
        #expect(!tag.matches(anyOf: "\"other\""))
    }
}

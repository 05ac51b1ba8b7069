import Foundation
import SwellTestSupport
import Synchronization
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Symlinks that lead out of ROOT: as a file, a folder, a folder's index, a clean URL, in a
/// listing, and swapped back and forth while requests run. Containment is checked by the
/// kernel when the file is opened (openat2 RESOLVE_BENEATH), and the response is served
/// from that descriptor, so no response may ever carry a byte from outside.
@Suite struct SymlinkAttackTests {
    @Test func symlinksOutOfRootGet403EverywhereAndStayOutOfListings() async throws {
        let site = try TemporarySite(["list/keep.txt": "keep", "page/x.txt": "x", "inside.txt": "fine"])
        // Superstatic and hapi/inert huntr reports (2020): a link in the served folder to a secret.
        try site.symlink("list/leak.txt", to: site.sentinelPath)
        try site.symlink("list/leakdir", to: site.container.path)
        try site.symlink("passwd.txt", to: "/etc/passwd")
        // Vite CVE-2025-58751: a symlink reached through another route (here, a folder's index and a clean URL).
        try site.symlink("page/index.html", to: "../../sentinel.txt")
        try site.symlink("clean.html", to: site.sentinelPath)
        try site.symlink("loop-a", to: "loop-b")
        try site.symlink("loop-b", to: "loop-a")
        try site.symlink("ok.txt", to: "inside.txt")
        try site.symlink("absolute-inside.txt", to: site.root.appendingPathComponent("inside.txt").path)
        try await withRunningServer(site) { client in
            for target in ["/list/leak.txt", "/list/leakdir/sentinel.txt", "/passwd.txt", "/page/", "/clean", "/list/leakdir/", "/loop-a"] {
                let response = try await client.get(target)
                #expect([403, 404].contains(response.status), "\(target) → \(response.status)")
                expectNothingFromOutsideRoot(response, target)
            }
            // Links that stay inside ROOT work, relative or absolute.
            #expect(try await client.get("/ok.txt").text == "fine")
            #expect(try await client.get("/absolute-inside.txt").text == "fine")
            let listing = try await client.get("/list/")
            #expect(listing.text.contains("keep.txt"))
            #expect(!listing.text.contains("leak"))
            #expect(!(try await client.get("/").text.contains("passwd")))
        }
    }

    /// A symlink flipped between a file inside ROOT and the sentinel outside, as fast as the
    /// file system allows, while requests for it run: a check-then-open server leaks here.
    @Test func aSymlinkSwappedInALoopNeverLeaks() async throws {
        let site = try TemporarySite(["inside.txt": "INSIDE"])
        try site.symlink("flip.txt", to: "inside.txt")
        let link = site.root.appendingPathComponent("flip.txt").path
        let staging = site.root.appendingPathComponent(".flip-staging").path
        let outside = site.sentinelPath
        let stop = Atomic<Bool>(false)
        let flips = Atomic<Int>(0)
        let flipper = Thread {
            var toOutside = true
            while !stop.load(ordering: .relaxed) {
                unlink(staging)
                _ = Glibc.symlink(toOutside ? outside : "inside.txt", staging)
                _ = rename(staging, link)  // atomic replace, as an attacker's loop would do
                toOutside.toggle()
                flips.add(1, ordering: .relaxed)
            }
        }
        flipper.start()
        defer { stop.store(true, ordering: .relaxed) }
        // No watcher: the flips would flood the process's one inotify thread, which every other test shares.
        try await withRunningServer(site, configure: { $0.liveReload = false }) { client in
            var statuses: [Int: Int] = [:]
            // At least 400 requests, and on until both outcomes were seen (a cache hit answers
            // in microseconds, so a burst can fall between two flips of a starved flipper).
            var sent = 0
            while sent < 400 || (sent < 20_000 && (statuses[200, default: 0] == 0 || statuses[403, default: 0] == 0)) {
                sent += 1
                let response = try await client.get("/flip.txt")
                expectNothingFromOutsideRoot(response, "/flip.txt")
                if response.status == 200 { #expect(response.text == "INSIDE") }
                statuses[response.status, default: 0] += 1
            }
            // Both outcomes were seen, so the race was really run.
            #expect(statuses[200, default: 0] > 0 && statuses[403, default: 0] > 0, "\(statuses)")
        }
        stop.store(true, ordering: .relaxed)
        #expect(flips.load(ordering: .relaxed) > 100)
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct HiddenFilesTests {
    /// A config file outside ROOT cannot be served at all, so nothing checks it per request; one
    /// inside is hidden even when ROOT was named through a symlink.
    @Test func onlyFilesInsideRootAreCheckedWhateverPathNamesRoot() throws {
        let site = try TemporarySite(["swell.toml": "port = 1", "index.html": "x"])
        let outside = site.container.appendingPathComponent("outside.toml").path
        try "spa = true".write(toFile: outside, atomically: false, encoding: .utf8)
        let linkedRoot = site.container.appendingPathComponent("linked").path
        try FileManager.default.createSymbolicLink(atPath: linkedRoot, withDestinationPath: site.root.path)
        let inside = site.root.appendingPathComponent("swell.toml").path
        let hidden = HiddenFiles(paths: [inside, outside], root: linkedRoot)
        #expect(hidden.paths == [inside])
        let root = try RootDirectory(path: linkedRoot)
        #expect(hidden.hides(try root.open("swell.toml").get().stamp))
        #expect(!hidden.hides(try root.open("index.html").get().stamp))
    }
}

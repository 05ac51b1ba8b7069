import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

/// The lines of code the overlay shows under a diagnostic, and which files it may read them from.
@Suite struct SourceExcerptTests {
    let text = "one\ntwo\r\nthree\nfour\nfive\nsix\n"

    @Test func twoLinesEachSideOfTheDiagnosticsLine() {
        #expect(SourceExcerpt.around(line: 4, in: text) == SourceExcerpt(firstLine: 2, lines: ["two", "three", "four", "five", "six"]))
    }

    @Test func theFilesEdgesCutTheExcerptShort() {
        #expect(SourceExcerpt.around(line: 1, in: text) == SourceExcerpt(firstLine: 1, lines: ["one", "two", "three"]))
        #expect(SourceExcerpt.around(line: 7, in: text) == SourceExcerpt(firstLine: 5, lines: ["five", "six", ""]))
        #expect(SourceExcerpt.around(line: 8, in: text) == nil)
        #expect(SourceExcerpt.around(line: 0, in: text) == nil)
    }

    @Test func aLongLineIsCut() {
        let excerpt = SourceExcerpt.around(line: 1, in: String(repeating: "x", count: 1000))
        #expect(excerpt?.lines.first?.count == SourceExcerpt.maxLineLength + 1)
    }

    @Test func onlyTheFirstDiagnosticsGetOneAndEachFileIsReadOnce() {
        let diagnostics = (1...7).map { BuildDiagnostic(file: $0 < 4 ? "a.txt" : "b.txt", line: 2, message: "m\($0)") }
        var reads: [String] = []
        let shown = BuildDiagnostic.withExcerpts(diagnostics) { file in
            reads.append(file)
            return "1\n2\n3\n"
        }
        #expect(shown.prefix(BuildDiagnostic.excerptLimit).allSatisfy { $0.excerpt == SourceExcerpt(firstLine: 1, lines: ["1", "2", "3", ""]) })
        #expect(shown.dropFirst(BuildDiagnostic.excerptLimit).allSatisfy { $0.excerpt == nil })
        #expect(reads == ["a.txt", "b.txt"])
        #expect(shown[0].json.hasSuffix(",\"excerpt\":{\"first\":1,\"lines\":[\"1\",\"2\",\"3\",\"\"]}}"), "\(shown[0].json)")
    }

    @Test func filesAreReadOnlyInsideTheProjectAndOnlyAsText() throws {
        let site = try TemporarySite(["page.html": "<p>x</p>\n", "binary.bin": "a\u{0}b"])
        try site.write("big.txt", String(repeating: "x", count: SourceExcerpt.maxFileBytes + 1))
        try site.symlink("outside.txt", to: site.sentinelPath)
        try site.symlink("inside.txt", to: "page.html")
        #expect(SourceExcerpt.readText("page.html", in: site.path) == "<p>x</p>\n")
        #expect(SourceExcerpt.readText("inside.txt", in: site.path) == "<p>x</p>\n")
        #expect(SourceExcerpt.readText("outside.txt", in: site.path) == nil, "a link out of the project")
        #expect(SourceExcerpt.readText("../sentinel.txt", in: site.path) == nil)
        #expect(SourceExcerpt.readText("binary.bin", in: site.path) == nil)
        #expect(SourceExcerpt.readText("big.txt", in: site.path) == nil)
        #expect(SourceExcerpt.readText("missing.txt", in: site.path) == nil)
        #expect(SourceExcerpt.readText(".", in: site.path) == nil, "a folder")
    }
}

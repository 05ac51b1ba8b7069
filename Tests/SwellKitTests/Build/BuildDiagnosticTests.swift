import Testing

@testable import SwellKit

/// What the overlay lists from a build's output: only files of the project, relative to it.
@Suite struct BuildDiagnosticTests {
    let project = "/home/me/site"
    let files: Set<String> = [
        "/home/me/site/Sources/App/main.swift", "/home/me/site/layouts/_default/single.html", "/home/me/site/gen.py",
        "/home/me/site/src/a.c",
    ]

    func parse(_ output: String) -> [BuildDiagnostic] {
        BuildDiagnostic.parse(output, projectFolder: project) { files.contains($0) }
    }

    @Test func swiftcAndClangLinesAreFoundAndMadeRelative() {
        let found = parse(
            """
            Compiling App main.swift
            /home/me/site/Sources/App/main.swift:3:7: error: cannot find 'x' in scope
            src/a.c:10: warning: unused variable
            """
        )
        #expect(
            found == [
                BuildDiagnostic(file: "Sources/App/main.swift", line: 3, column: 7, message: "error: cannot find 'x' in scope"),
                BuildDiagnostic(file: "src/a.c", line: 10, message: "warning: unused variable"),
            ]
        )
    }

    @Test func hugosQuotedFormIsFound() {
        let found = parse(
            "Error: Error building site: \"/home/me/site/layouts/_default/single.html:1:1\": parse failed: template: unexpected \"}\" in operand"
        )
        #expect(
            found == [
                BuildDiagnostic(
                    file: "layouts/_default/single.html",
                    line: 1,
                    column: 1,
                    message: "parse failed: template: unexpected \"}\" in operand"
                )
            ]
        )
    }

    @Test func pythonTracebacksTakeTheirMessageFromTheLastLine() {
        let found = parse(
            """
            Traceback (most recent call last):
              File "/home/me/site/gen.py", line 12, in <module>
                render()
            ValueError: bad front matter
            """
        )
        #expect(found == [BuildDiagnostic(file: "gen.py", line: 12, message: "ValueError: bad front matter")])
    }

    @Test func pathsOutsideTheProjectOrThatDoNotExistAreLeftOut() {
        let found = parse(
            """
            /usr/lib/python3/site.py:3:1: error: outside
            ../other/main.swift:3:1: error: climbs out
            12:30:45: not a file
            http://localhost:1313/: not either
            nothere.swift:1:1: error: no such file
            """
        )
        #expect(found.isEmpty, "\(found)")
    }
}

import Testing

@testable import SwellKit

/// The page gets the end of the output, where the error is, without terminal escapes.
@Suite struct BuildOutputTailTests {
    @Test func colourAndTitleEscapesAreRemoved() {
        let text = "\u{1B}[1;31merror:\u{1B}[0m bad\r\n\u{1B}]0;title\u{07}done\n"
        #expect(BuildOutputTail.withoutEscapes(text) == "error: bad\ndone\n")
    }

    @Test func onlyTheLastBytesAreKeptStartingAtALine() {
        var tail = BuildOutputTail(capacity: 64)
        for n in 0..<100 { tail.append(Array("line \(n)\n".utf8)) }
        let text = tail.text
        #expect(text.utf8.count <= 64)
        #expect(text.hasPrefix("line "), "\(text)")
        #expect(text.hasSuffix("line 99\n"))
    }
}

import Testing

@testable import SwellKit

@Suite struct ScriptInjectorTests {
    static let tag = #"<script src="/__swell/client.js"></script>"#

    @Test(arguments: [
        ("<html><body><p>x</p></body></html>", "<html><body><p>x</p>\(tag)</body></html>"),
        ("<body>a</body><!-- </body> -->b</BODY>", "<body>a</body><!-- </body> -->b\(tag)</BODY>"),
        ("<html><p>no body</p></html>", "<html><p>no body</p>\(tag)</html>"),
        ("<p>fragment</p>", "<p>fragment</p>\(tag)"),
        ("", tag),
        ("<body>\(tag)</body>", "<body>\(tag)</body>"),
    ])
    func theScriptGoesBeforeTheLastBodyElseHtmlElseTheEnd(page: String, expected: String) {
        #expect(String(decoding: ScriptInjector.inject(into: Array(page.utf8)), as: UTF8.self) == expected)
    }

    @Test func tagsSplitAcrossChunksAreFound() {
        let page = Array(("<html><body>" + String(repeating: "x", count: 100) + "</body></html>").utf8)
        let whole = ScriptInjector.insertionOffset(in: page)
        for chunkSize in [1, 3, 7, 16, 50] {
            var scanner = ScriptInjector.Scanner()
            var offset = 0
            while offset < page.count {
                let end = min(offset + chunkSize, page.count)
                scanner.feed(page[offset..<end], at: offset)
                offset = end
            }
            #expect(scanner.offset(totalSize: page.count) == whole, "chunk size \(chunkSize)")
        }
    }
}

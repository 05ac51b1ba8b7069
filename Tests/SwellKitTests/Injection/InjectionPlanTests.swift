import NIOCore
import Testing

@testable import SwellKit

@Suite struct InjectionPlanTests {
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
        #expect(String(decoding: InjectionPlan.standard.injected(into: Array(page.utf8)), as: UTF8.self) == expected)
    }

    @Test func tagsSplitAcrossChunksAreFound() {
        let page = Array(("<html><body>" + String(repeating: "x", count: 100) + "</body></html>").utf8)
        let whole = InjectionPlan.sizedOffset(in: page)
        for chunkSize in [1, 3, 7, 16, 50] {
            var scanner = BodyEndScanner()
            var offset = 0
            while offset < page.count {
                let end = min(offset + chunkSize, page.count)
                scanner.feed(page[offset..<end], at: offset)
                offset = end
            }
            #expect(scanner.offset(totalSize: page.count) == whole, "chunk size \(chunkSize)")
        }
    }

    // MARK: Streaming (a body of unknown length, fed chunk by chunk)

    /// Feeds `page` in chunks of `chunkSize` bytes and returns everything sent, and when the tag went out.
    static func stream(_ page: String, chunkSize: Int, holdLimit: Int = InjectionPlan.streamingHoldLimit) -> (sent: String, heldMost: Int) {
        var injection = StreamingInjection(tag: Array(tag.utf8), holdLimit: holdLimit)
        let bytes = Array(page.utf8)
        var sent: [UInt8] = []
        var received = 0
        var heldMost = 0
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            received += end - offset
            for out in injection.feed(ByteBuffer(bytes: bytes[offset..<end])) { sent += out.readableBytesView }
            heldMost = max(heldMost, received - sent.count)
            offset = end
        }
        for out in injection.finish() { sent += out.readableBytesView }
        return (String(decoding: sent, as: UTF8.self), heldMost)
    }

    @Test(arguments: [
        ("<html><head><title>t</title></head><body>x</body></html>", "<html><head><title>t</title>\(tag)</head><body>x</body></html>"),
        ("<HTML><HEAD></HEAD><BODY>x</BODY>", "<HTML><HEAD>\(tag)</HEAD><BODY>x</BODY>"),
        ("<p>no head</p><body class=a>x</body>", "<p>no head</p>\(tag)<body class=a>x</body>"),
        ("<bodyguard>x</bodyguard>", "<bodyguard>x</bodyguard>\(tag)"),
        ("<p>a fragment</p>", "<p>a fragment</p>\(tag)"),
        ("<head>\(tag)</head>", "<head>\(tag)</head>"),
        ("", tag),
    ])
    func aStreamedPageGetsTheTagBeforeTheFirstHeadEndElseBodyElseAtTheEnd(page: String, expected: String) {
        for chunkSize in [1, 2, 5, 64, 100_000] {
            #expect(Self.stream(page, chunkSize: chunkSize).sent == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func aStreamedPageIsHeldOnlyUntilThePlaceIsFound() {
        let page = "<html><head></head>" + String(repeating: "x", count: 200_000)
        let result = Self.stream(page, chunkSize: 1000)
        #expect(result.sent.hasPrefix("<html><head>\(Self.tag)</head>xxx"))
        #expect(result.heldMost <= 1000)
    }

    @Test func aStreamedPageWithNoPlaceWithinTheLimitGetsTheTagAtTheEndAndIsNeverHeldWhole() {
        let page = String(repeating: "y", count: 200_000) + "</head>"
        let result = Self.stream(page, chunkSize: 4096, holdLimit: 64 * 1024)
        #expect(result.sent == page + Self.tag)
        #expect(result.heldMost <= 64 * 1024 + 4096)
    }
}

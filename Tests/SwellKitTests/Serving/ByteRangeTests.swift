import Testing

@testable import SwellKit

@Suite struct ByteRangeTests {
    @Test(arguments: [
        ("bytes=0-99", 1000, ByteRange.partial(0...99)),
        ("bytes=900-", 1000, .partial(900...999)),
        ("bytes=-100", 1000, .partial(900...999)),
        ("bytes=-5000", 1000, .partial(0...999)),
        ("bytes=990-2000", 1000, .partial(990...999)),
        ("bytes=999-999", 1000, .partial(999...999)),
        ("bytes=1000-", 1000, .unsatisfiable),
        ("bytes=5000-6000", 1000, .unsatisfiable),
        ("bytes=-0", 1000, .unsatisfiable),
        ("bytes=0-", 0, .unsatisfiable),
        ("bytes=99999999999999999999999-", 1000, .unsatisfiable),
        ("bytes=0-99999999999999999999999", 1000, .partial(0...999)),
        ("bytes=0-1,5-6", 1000, .whole),
        ("bytes=5-1", 1000, .whole),
        ("items=0-1", 1000, .whole),
        ("bytes=a-b", 1000, .whole),
        ("bytes=-", 1000, .whole),
    ])
    func rangeHeadersDecideAgainstTheFileSize(header: String, size: Int, expected: ByteRange) {
        #expect(ByteRange.decide(header, size: size) == expected)
    }

    @Test func suffixRangeReturnsTheLastBytesNotTheFirst() {
        #expect(ByteRange.decide("bytes=-3", size: 10) == .partial(7...9))
    }
}

import Testing

@testable import SwellKit

@Suite struct HTTPDateTests {
    @Test func formatsIMFFixdate() {
        #expect(HTTPDate.format(secondsSinceEpoch: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func parsesWhatItFormats() {
        for seconds: Int64 in [0, 784_111_777, 1_764_000_000] {
            #expect(HTTPDate.parse(HTTPDate.format(secondsSinceEpoch: seconds)) == seconds)
        }
    }

    @Test func rejectsOtherShapes() {
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 PST") == nil)
    }
}

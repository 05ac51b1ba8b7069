import Testing

@testable import SwellKit

@Suite struct InotifyToolsTests {
    @Test func libinotifytoolsIsLinkedAndAnswers() {
        #expect(InotifyTools.lastError() >= 0)
    }
}

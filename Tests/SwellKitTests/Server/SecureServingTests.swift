import Testing

@testable import SwellKit

@Suite struct SecureServingTests {
    @Test(arguments: [
        ("/__swell/ca.pem", true), ("/__swell/ca.pem?x=1", true), ("/__swell/ca.pem/", false), ("/__swell/ca.pemx", false),
        ("/__swell/ca.pe", false), ("/ca.pem", false), ("/__SWELL/ca.pem", false),
    ])
    func onlyTheCAsOwnPathIsAnsweredBeforeTheRedirect(target: String, isAuthority: Bool) {
        #expect(SecureServing.isAuthorityPath(target) == isAuthority)
    }
}

import Testing

@testable import SwellKit

@Suite struct ContentSecurityPolicyRewriteTests {
    let rewrite = ContentSecurityPolicyRewrite(origin: "http://localhost:3000", nonce: "abc123")

    @Test func aNoncePolicyGetsANonceForTheScriptAndNoKeyword() {
        let (value, needsNonce) = rewrite.rewrite("script-src 'nonce-page'; object-src 'none'")
        #expect(needsNonce)
        #expect(value.contains("script-src 'nonce-page' 'nonce-abc123'"))
        #expect(value.contains("object-src 'none'"))
        #expect(!value.contains("unsafe"))
    }

    @Test func aHostListGetsTheExactSwellURLsAndDefaultSrcIsNeverEdited() {
        let (value, needsNonce) = rewrite.rewrite("default-src https://cdn.example.com")
        #expect(!needsNonce)
        #expect(value.hasPrefix("default-src https://cdn.example.com;"), "default-src kept as sent: \(value)")
        #expect(value.contains("http://localhost:3000/__swell/client.js"))
        #expect(value.contains("http://localhost:3000/__swell/events"))
        #expect(!value.contains("'self'") && !value.contains("unsafe") && !value.contains("*"))
    }

    @Test func aPolicyThatAlreadyAllowsSwellIsLeftAlone() {
        // 'self' is Swell's own origin: the page was served by it.
        #expect(rewrite.rewrite("default-src 'self'") == ("default-src 'self'", false))
        #expect(rewrite.rewrite("script-src *; connect-src *; worker-src *") == ("script-src *; connect-src *; worker-src *", false))
    }

    @Test func everyPolicyOfSeveralIsRewrittenOnItsOwn() {
        let (value, _) = rewrite.rewrite("script-src 'nonce-a', connect-src https://api.example.com")
        let policies = value.split(separator: ",")
        #expect(policies.count == 2)
        #expect(policies[0].contains("'nonce-abc123'"))
        #expect(policies[1].contains("http://localhost:3000/__swell/events"))
    }
}

import Testing

@testable import SwellKit

@Suite struct RequestPathTests {
    @Test(arguments: [
        ("/", [], true),
        ("/index.html", ["index.html"], false),
        ("/docs/", ["docs"], true),
        ("/a%20b/c.html", ["a b", "c.html"], false),
        ("/a/../b.html", ["b.html"], false),
        ("/a/./b.html", ["a", "b.html"], false),
        ("//a///b", ["a", "b"], false),
        ("/a..b.html", ["a..b.html"], false),
        ("/a../b", ["a..", "b"], false),
        ("/a\\..\\..\\x", ["a\\..\\..\\x"], false),
        ("/a%5c..%5cx", ["a\\..\\x"], false),
        ("/q%3Fx.html", ["q?x.html"], false),
        ("/.well-known/security.txt", [".well-known", "security.txt"], false),
        ("/caf%C3%A9.html", ["café.html"], false),
        ("/docs/.", ["docs"], true),
        // A grapheme cluster (U+0605 then "/") still splits at the "/" byte.
        ("/%D8%85/x.html", ["\u{605}", "x.html"], false),
        ("/a/%D8%85/../b", ["a", "b"], false),
    ])
    func targetsDecodeOnceIntoSegments(target: String, segments: [String], trailingSlash: Bool) throws {
        let path = try RequestPath.parse(target)
        #expect(path.segments == segments)
        #expect(path.hasTrailingSlash == trailingSlash)
    }

    @Test func queryNeverChangesTheSegments() throws {
        let path = try RequestPath.parse("/a.html?file=../../etc/passwd&x=%2e%2e")
        #expect(path.segments == ["a.html"])
        #expect(path.query == "file=../../etc/passwd&x=%2e%2e")
    }

    @Test func decodingHappensOnlyOnce() throws {
        // %252e%252e decodes once to the literal name "%2e%2e", never to "..".
        let path = try RequestPath.parse("/%252e%252e/x")
        #expect(path.segments == ["%2e%2e", "x"])
    }

    @Test(arguments: [
        "/../sentinel.txt", "/%2e%2e/sentinel.txt", "/%2E%2E/sentinel.txt", "/..%2fsentinel.txt", "/a/../../sentinel.txt",
        "/%2e%2e%2f%2e%2e%2fetc/passwd", "/.%2e/x", "/..",
    ])
    func climbingOutOfRootIsRejected(target: String) {
        #expect(throws: RequestPath.Rejection.climbsOutOfRoot) { try RequestPath.parse(target) }
    }

    @Test(arguments: [
        "/..a/b", "/.env", "/.git/config", "/a/.secret", "/%2egit/HEAD", "/.well-known/.hidden", "/a/.well-known/x", "/%D8%85/.env",
        "/.%CC%81env",
    ])
    func dotfilesAreHidden(target: String) {
        #expect(throws: RequestPath.Rejection.hidden) { try RequestPath.parse(target) }
    }

    @Test(arguments: ["/a#b", "/a%00.html", "/bad%zz", "/bad%", "/bad%4", "/%ff%fe", "*", "a.html", "http://x/"])
    func malformedTargetsAreBadRequests(target: String) {
        #expect {
            try RequestPath.parse(target)
        } throws: { error in
            if case RequestPath.Rejection.badRequest = error { return true }
            return false
        }
    }

    @Test(arguments: [
        (["docs"], true, "/docs/"),
        (["a b", "c#d?.html"], false, "/a%20b/c%23d%3F.html"),
        (["evil.com"], true, "/evil.com/"),
        (["\\evil.com"], true, "/%5Cevil.com/"),
        (["x:y"], false, "/x%3Ay"),
    ])
    func urlPathsAreSameOriginAndEncoded(segments: [String], trailingSlash: Bool, expected: String) {
        let path = RequestPath(segments: segments, hasTrailingSlash: trailingSlash)
        #expect(path.urlPath == expected)
        #expect(!path.urlPath.hasPrefix("//"))
    }
}

import HTTPTypes
import NIOHTTP1
import Testing

@testable import SwellKit

@Suite struct BackendResponseHeadersTests {
    let upstream = try! ProxyUpstream(parsing: "http://127.0.0.1:5000")
    let swell = "http://localhost:3000"

    @Test(arguments: [
        ("http://127.0.0.1:5000/login", "http://localhost:3000/login"),
        ("http://127.0.0.1:5000", "http://localhost:3000/"),
        ("http://127.0.0.1:5000?next=1", "http://localhost:3000?next=1"),
        ("//127.0.0.1:5000/x", "http://localhost:3000/x"),
        ("HTTP://127.0.0.1:5000/Case", "http://localhost:3000/Case"),
        ("/relative", "/relative"),
        ("https://accounts.example.com/auth", "https://accounts.example.com/auth"),
        ("http://127.0.0.1:50000/other-port", "http://127.0.0.1:50000/other-port"),
    ])
    func aRedirectToTheBackendComesBackToSwellAndAnyOtherIsKept(location: String, expected: String) {
        #expect(BackendResponseHeaders.location(location, upstream: upstream, swellOrigin: swell) == expected)
    }

    @Test func aCookieLosesOnlyADomainNamingTheBackendAndKeepsSecure() {
        #expect(
            BackendResponseHeaders.cookie("id=1; Domain=127.0.0.1; Path=/; Secure; HttpOnly; SameSite=Lax", backendHost: "127.0.0.1")
                == "id=1; Path=/; Secure; HttpOnly; SameSite=Lax"
        )
        #expect(BackendResponseHeaders.cookie("id=1; domain=.api.test", backendHost: "api.test") == "id=1")
        #expect(BackendResponseHeaders.cookie("id=1; Domain=other.test", backendHost: "api.test") == "id=1; Domain=other.test")
        #expect(BackendResponseHeaders.cookie("id=1", backendHost: "api.test") == "id=1")
    }

    @Test func hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
        let headers = HTTPHeaders([
            ("Connection", "keep-alive, X-Private"), ("Keep-Alive", "timeout=5"), ("Transfer-Encoding", "chunked"),
            ("X-Private", "secret"), ("Proxy-Authenticate", "Basic"), ("Content-Type", "text/html"), ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ])
        let fields = BackendResponseHeaders.rewrite(headers, upstream: upstream, swellOrigin: swell)
        #expect(fields.map(\.name.canonicalName) == ["content-type", "set-cookie", "set-cookie"])
        #expect(fields[values: .setCookie] == ["a=1", "b=2"])
    }
}

@Suite struct ForwardedRequestHeadersTests {
    func make(_ fields: [HTTPField], upstream: String = "http://127.0.0.1:5000", identity: Bool = false) throws -> HTTPHeaders {
        ForwardedRequestHeaders.make(
            from: HTTPFields(fields),
            host: "localhost:3000",
            upstream: try ProxyUpstream(parsing: upstream),
            clientAddress: "127.0.0.1",
            scheme: "http",
            identityEncoding: identity
        )
    }

    @Test func theClientsForwardingClaimsAreReplacedNotKept() throws {
        let headers = try make([
            HTTPField(name: HTTPField.Name("X-Forwarded-For")!, value: "6.6.6.6"),
            HTTPField(name: HTTPField.Name("Forwarded")!, value: "for=6.6.6.6"),
            HTTPField(name: .accept, value: "text/html"),
        ])
        #expect(headers["X-Forwarded-For"] == ["127.0.0.1"])
        #expect(headers["X-Forwarded-Host"] == ["localhost:3000"])
        #expect(headers["X-Forwarded-Proto"] == ["http"])
        #expect(headers["Forwarded"] == [#"for=127.0.0.1;host="localhost:3000";proto=http"#])
        #expect(headers["Accept"] == ["text/html"])
    }

    @Test func hostIsKeptForALoopbackBackendAndIsTheBackendsOwnOtherwise() throws {
        #expect(try make([])["Host"] == ["localhost:3000"])
        #expect(try make([], upstream: "https://api.example.com")["Host"] == ["api.example.com"])
    }

    @Test func hopByHopHeadersStayBehindAndNavigationsAskForIdentity() throws {
        let headers = try make(
            [
                HTTPField(name: .connection, value: "keep-alive, X-Hop"), HTTPField(name: HTTPField.Name("X-Hop")!, value: "1"),
                HTTPField(name: .te, value: "trailers"), HTTPField(name: .upgrade, value: "h2c"),
                HTTPField(name: HTTPField.Name("Proxy-Authorization")!, value: "Basic x"),
                HTTPField(name: .acceptEncoding, value: "gzip, br"),
            ],
            identity: true
        )
        for name in ["Connection", "X-Hop", "TE", "Upgrade", "Proxy-Authorization"] { #expect(headers[name].isEmpty, "\(name)") }
        #expect(headers["Accept-Encoding"] == ["identity"])
    }
}

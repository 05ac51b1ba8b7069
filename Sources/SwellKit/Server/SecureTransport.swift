import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// The seam between the engine and HTTPS (`--https`, `--cert/--key`), which lives in its own
/// target (`SwellHTTPS`) so that an embedder serving plain HTTP builds neither BoringSSL nor
/// HTTP/2. `swell` passes one to `SwellServer`; without it the server speaks plain HTTP.
package protocol SecureTransport: Sendable {
    /// The certificate of the CA that issued the served one, as PEM, for `/__swell/ca.pem`;
    /// nil when the user brought their own (`--cert`).
    var authorityPEM: String? { get }

    /// The channel of a connection on the HTTPS port: TLS with HTTP/2 or HTTP/1.1 by ALPN, and
    /// plain HTTP/1.1 (told apart by its first byte), whose requests say `http` so the
    /// responder can send them to the https URL. Made of `parts`, so every protection of a
    /// plain connection holds on each.
    func serverBuilder(_ parts: SwellChannelParts) -> HTTPServerBuilder
}

/// What the responder needs to know of HTTPS: that plain requests go to the https URL, and
/// the CA certificate it serves at `/__swell/ca.pem`.
struct SecureServing: Sendable {
    let authorityPEM: String?

    /// The `307` for a plain-HTTP request on the HTTPS port: never `301` and never HSTS, which
    /// a browser would keep for every later plain `swell` on this port.
    static func redirect(_ request: HTTPTypes.HTTPRequest) -> Response {
        let location = "https://" + (request.authority ?? "localhost") + (request.path ?? "/")
        var response = StatusResponse.plain(.temporaryRedirect, "307 Temporary Redirect: this port serves HTTPS; go to \(location)")
        response.headers[.location] = location
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Whether a raw request target asks for `/__swell/ca.pem` (a query aside), without parsing it:
    /// this runs before the target is parsed, on every request over HTTPS.
    static func isAuthorityPath(_ target: String) -> Bool {
        let path = "/__swell/ca.pem".utf8
        let bytes = target.utf8
        guard bytes.starts(with: path) else { return false }
        let rest = bytes.dropFirst(path.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "?")
    }

    /// `/__swell/ca.pem`: the CA certificate (never a key), for a phone to install.
    func authorityResponse(to request: Request) -> Response {
        guard request.method == .get || request.method == .head else {
            var response = StatusResponse.plain(.methodNotAllowed, "405 Method Not Allowed: use GET, HEAD.")
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        guard let authorityPEM else {
            return StatusResponse.plain(.notFound, "404 Not Found: this server uses the certificate given with --cert, not Swell's CA.")
        }
        var response = Response(
            status: .ok,
            headers: [
                .contentType: "application/x-x509-ca-cert",
                .contentDisposition: "attachment; filename=\"swell-ca.pem\"",
                .cacheControl: "no-cache",
                .contentLength: String(authorityPEM.utf8.count),
            ],
            body: .init(byteBuffer: ByteBuffer(string: authorityPEM))
        )
        if request.method == .head { response.body = .init() }
        return response
    }
}

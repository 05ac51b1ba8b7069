import HTTPTypes
import NIOHTTP1

/// The headers a proxied request carries to the backend: the browser's, less the hop-by-hop
/// ones, with `Host` chosen for the backend and the `X-Forwarded-*` / `Forwarded` set that says
/// who asked (replacing whatever the client claimed, which a backend must never trust).
package struct ForwardedRequestHeaders {
    /// Headers that describe one connection, never forwarded in either direction (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = ["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]
    private static let forwarding: Set<String> = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded"]

    /// Whether `name` (any case) is hop-by-hop, counting the names a `Connection` header lists.
    static func isHopByHop(_ name: String, listed: Set<String>) -> Bool {
        let lowered = name.lowercased()
        return hopByHop.contains(lowered) || lowered.hasPrefix("proxy-") || listed.contains(lowered)
    }

    /// Whether a request with `fields` carries a body (a `Content-Length` other than 0, or a
    /// `Transfer-Encoding`): only such a request is streamed on by the responder's forwarder.
    package static func carriesBody(_ fields: HTTPFields) -> Bool {
        if let length = fields[.contentLength] { return Int(length) != 0 }
        return fields[.transferEncoding] != nil
    }

    /// The names a message's `Connection` headers list, lowercased.
    static func connectionListed(in fields: HTTPFields) -> Set<String> {
        var listed: Set<String> = []
        for value in fields[values: .connection] {
            for name in value.split(separator: ",") { listed.insert(name.trimmingWhitespace().lowercased()) }
        }
        return listed
    }

    /// The backend's request headers for `fields` (the browser's, `Host` aside), asked of
    /// `upstream` on behalf of `clientAddress` through `host` over `scheme`.
    package static func make(
        from fields: HTTPFields,
        host: String?,
        upstream: ProxyUpstream,
        clientAddress: String?,
        scheme: String,
        identityEncoding: Bool
    ) -> HTTPHeaders {
        let listed = connectionListed(in: fields)
        var headers = HTTPHeaders()
        for field in fields {
            let name = field.name.canonicalName
            if isHopByHop(name, listed: listed) || forwarding.contains(name) || name == "host" { continue }
            if identityEncoding && name == "accept-encoding" { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        // A backend on this machine builds its links from Host, so it keeps Swell's; any other
        // may host several names and needs its own.
        let forwardedHost = (host ?? "localhost").filter { $0 != "\"" && $0 != "\\" }
        headers.replaceOrAdd(name: "Host", value: upstream.isLoopback ? forwardedHost : upstream.authority)
        if identityEncoding { headers.replaceOrAdd(name: "Accept-Encoding", value: "identity") }
        let client = clientAddress ?? "unknown"
        headers.add(name: "X-Forwarded-For", value: client)
        headers.add(name: "X-Forwarded-Host", value: forwardedHost)
        headers.add(name: "X-Forwarded-Proto", value: scheme)
        let node = client.contains(":") ? "\"[\(client)]\"" : client
        headers.add(name: "Forwarded", value: "for=\(node);host=\"\(forwardedHost)\";proto=\(scheme)")
        return headers
    }
}

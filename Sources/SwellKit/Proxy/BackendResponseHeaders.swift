import HTTPTypes
import NIOHTTP1

/// The headers of a backend's answer as the browser gets them: hop-by-hop headers dropped,
/// a `Location` on the backend's origin moved to Swell's, and a cookie `Domain` naming the
/// backend's host removed so that the browser files the cookie under Swell's host. Every
/// other header and cookie attribute (`Secure`, `SameSite`, `Path`) is kept as sent.
package enum BackendResponseHeaders {
    /// `headers` rewritten for a browser that reached `upstream` through `swellOrigin`
    /// (`http://localhost:3000`).
    package static func rewrite(_ headers: HTTPHeaders, upstream: ProxyUpstream, swellOrigin: String) -> HTTPFields {
        var listed: Set<String> = []
        for value in headers["connection"] {
            for name in value.split(separator: ",") { listed.insert(name.trimmingWhitespace().lowercased()) }
        }
        var fields = HTTPFields()
        for (name, value) in headers {
            guard !ForwardedRequestHeaders.isHopByHop(name, listed: listed), let fieldName = HTTPField.Name(name) else { continue }
            switch fieldName.canonicalName {
            case "location", "content-location":
                fields.append(HTTPField(name: fieldName, value: location(value, upstream: upstream, swellOrigin: swellOrigin)))
            case "set-cookie":
                fields.append(HTTPField(name: fieldName, value: cookie(value, backendHost: upstream.host)))
            default:
                fields.append(HTTPField(name: fieldName, value: value))
            }
        }
        return fields
    }

    /// `value` with the backend's origin replaced by Swell's; any other location unchanged.
    static func location(_ value: String, upstream: ProxyUpstream, swellOrigin: String) -> String {
        let bracketed = upstream.host.contains(":") ? "[\(upstream.host)]" : upstream.host
        let origins = [upstream.origin, "\(upstream.scheme)://\(bracketed):\(upstream.port)", "//" + upstream.authority]
        let lowered = value.lowercased()
        for origin in origins where lowered.hasPrefix(origin.lowercased()) {
            let rest = value.dropFirst(origin.count)
            guard rest.isEmpty || rest.first == "/" || rest.first == "?" || rest.first == "#" else { continue }
            return swellOrigin + (rest.isEmpty ? "/" : rest)
        }
        return value
    }

    /// A `Set-Cookie` value without a `Domain` attribute naming `backendHost` (with or without a leading dot).
    static func cookie(_ value: String, backendHost: String) -> String {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return value }
        let kept = parts.enumerated().filter { index, part in
            guard index > 0 else { return true }
            let attribute = part.trimmingWhitespace()
            guard let equals = attribute.firstIndex(of: "="), attribute[..<equals].trimmingWhitespace().lowercased() == "domain" else { return true }
            var domain = attribute[attribute.index(after: equals)...].trimmingWhitespace().lowercased()
            if domain.hasPrefix(".") { domain.removeFirst() }
            return domain != backendHost
        }
        return kept.map { String($0.element) }.joined(separator: ";")
    }
}

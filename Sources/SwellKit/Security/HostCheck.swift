import HTTPTypes
import Hummingbird
import NIOCore

/// Refuses requests whose `Host` is not a loopback name while Swell is bound to loopback.
///
/// DNS rebinding lets any web page point a host name it controls at 127.0.0.1 and then read
/// the answers as same-origin. Such a request still carries the attacker's name in `Host`,
/// so only `localhost`, `*.localhost`, `127.0.0.1`, `[::1]` and the user's `--allow-host`
/// names get through. A request without `Host` (HTTP/1.0 tools) cannot come from a browser
/// and is let through.
struct HostCheck: Sendable {
    private let allowed: Set<String>

    init(allowedHosts: [String]) {
        allowed = Set(["localhost", "127.0.0.1", "[::1]"] + allowedHosts.map { $0.lowercased() })
    }

    /// Whether a `Host` header value is acceptable.
    func accepts(hostHeader: String?) -> Bool {
        guard let hostHeader else { return true }
        let name = HostAddress.name(fromHostHeader: hostHeader)
        return allowed.contains(name) || name.hasSuffix(".localhost")
    }

    /// The `403` for a request whose `Host` is not acceptable; nil for one that passes.
    func refusal(for request: Request) -> Response? {
        let host = request.head.authority
        guard !accepts(hostHeader: host) else { return nil }
        let name = HostAddress.name(fromHostHeader: host ?? "")
        let message =
            "403 Forbidden: Host \"\(name)\" is not allowed while Swell listens on loopback "
            + "(DNS-rebinding protection). If you trust this name, restart with --allow-host \(name)"
        return StatusResponse.plain(.forbidden, message)
    }
}

import HTTPTypes
import NIOHTTP1

/// Decides, before Hummingbird sees it, whether a WebSocket upgrade is tunnelled to a backend,
/// running the same defaults `SwellResponder` runs on every proxied request: the Host
/// allow-list, the target rules, the prefix match; and one more, a same-origin `Origin`, so a
/// page on another site cannot open a socket to the developer's backend (cross-site WebSocket
/// hijacking: browsers send cookies with an upgrade and CORS does not apply to it).
///
/// An upgrade it declines goes on to the responder, which answers it like any request (`403`
/// for the Host, `400` for the target) or, on a backend's path, `403` naming the Origin rule.
struct WebSocketUpgradeGate: Sendable {
    let hostCheck: HostCheck?
    let settings: ProxySettings

    /// Whether `fields` ask to become a WebSocket (`Upgrade: websocket`, any case).
    static func isWebSocketUpgrade(_ fields: HTTPFields) -> Bool {
        fields[values: .upgrade].contains { value in
            value.split(separator: ",").contains { $0.trimmingWhitespace().lowercased() == "websocket" }
        }
    }

    /// Whether the upgrade's `Origin` is the page Swell itself serves at `Host`. A missing
    /// `Origin` fails: every browser sends one with an upgrade, and the SPEC asks for it.
    /// The scheme is the one the request came over (`RequestSchemeHandler`).
    static func hasSameOrigin(_ request: HTTPRequest) -> Bool {
        let scheme = request.scheme ?? "http"
        guard let origin = request.headerFields[.origin]?.lowercased(), let host = request.authority?.lowercased() else { return false }
        return origin == scheme + "://" + host
    }

    /// The backend for `request`, or nil when it is not an upgrade Swell may tunnel.
    func upstream(for request: HTTPRequest) -> ProxyUpstream? {
        guard request.method == .get, Self.isWebSocketUpgrade(request.headerFields) else { return nil }
        if let hostCheck, !hostCheck.accepts(hostHeader: request.authority) { return nil }
        guard let target = request.path, target != AbsoluteFormHandler.marker,
            let path = try? RequestPath.parse(target, allowHidden: true), path.segments.first != "__swell",
            let upstream = settings.upstream(forDecodedPath: path.decodedPath)
        else { return nil }
        if request.headerFields[.secFetchSite]?.lowercased() == "cross-site" { return nil }
        guard Self.hasSameOrigin(request) else { return nil }
        return upstream
    }

    /// The upgrade as the backend gets it: the browser's headers (its `Sec-WebSocket-*` among
    /// them) less the hop-by-hop ones, the forwarding set, then `Upgrade` and `Connection`
    /// again, the one request they are meant to travel with.
    func backendHead(for request: HTTPRequest, upstream: ProxyUpstream, clientAddress: String?) -> HTTPRequestHead {
        var headers = ForwardedRequestHeaders.make(
            from: request.headerFields,
            host: request.authority,
            upstream: upstream,
            clientAddress: clientAddress,
            scheme: request.scheme ?? "http",
            identityEncoding: false
        )
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Upgrade", value: request.headerFields[.upgrade] ?? "websocket")
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: upstream.basePath + (request.path ?? "/"), headers: headers)
    }
}

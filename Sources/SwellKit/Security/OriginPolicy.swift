import HTTPTypes
import Hummingbird

/// Who may `POST /__swell/reload`: the page's own origin, or a non-browser client.
///
/// Browsers label every cross-origin request: a foreign `Origin` (also on `text/plain`
/// "simple" POSTs that skip CORS preflight) or `Sec-Fetch-Site: cross-site`. Build tools
/// (curl, scripts) send neither and are let through.
enum OriginPolicy {
    static func allowsStateChange(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" {
            return false
        }
        guard let origin = request.headers[.requestOrigin] else { return true }
        guard let host = request.head.authority, !host.isEmpty else { return false }
        return origin.lowercased() == (request.head.scheme ?? "http") + "://" + host.lowercased()
    }
}

import HTTPTypes
import Hummingbird

/// Refuses what another web site's page asks of Swell in the background.
///
/// Any page the developer visits can embed `<script src="http://localhost:5000/app.js">`: a
/// classic script is not subject to the same-origin policy, and with a little prototype
/// pollution its source can be read back (webpack-dev-server CVE-2025-30359). Browsers label
/// such requests with fetch metadata (`Sec-Fetch-Site: cross-site`), so they are refused
/// before any file is opened, on top of `Cross-Origin-Resource-Policy: same-origin`, which
/// makes the browser withhold the body. Navigations still work: a link to the dev server
/// from a chat or an issue tracker opens the page (`Sec-Fetch-Mode: navigate`).
/// Requests from the developer's other local servers (`localhost:3000` → `localhost:5000`)
/// are same-site, not cross-site, and pass; `--cors` lets everything through for files.
enum CrossSitePolicy {
    static func refuses(_ request: Request) -> Bool {
        guard request.headers[.secFetchSite]?.lowercased() == "cross-site" else { return false }
        return request.headers[.secFetchMode]?.lowercased() != "navigate"
    }

    /// For a backend's path (`--proxy`): a cross-site page may link to it and may call it with
    /// `fetch` in `cors` mode (the browser then enforces the backend's own CORS answer, and
    /// preflights go through), but it may not load it as a script, image or style (`no-cors`)
    /// nor submit a form to it (a navigation that is not GET or HEAD): the backend's
    /// cookies would ride along.
    static func refusesProxied(_ request: Request) -> Bool {
        guard request.headers[.secFetchSite]?.lowercased() == "cross-site" else { return false }
        switch request.headers[.secFetchMode]?.lowercased() {
        case "cors", "websocket": return false
        case "navigate": return request.method != .get && request.method != .head
        default: return true
        }
    }

    static func forbiddenProxied() -> Response {
        StatusResponse.plain(
            .forbidden,
            "403 Forbidden: another site's page may not load or post to this backend through Swell (Sec-Fetch-Site: cross-site)."
        )
    }

    static func forbidden() -> Response {
        StatusResponse.plain(
            .forbidden,
            "403 Forbidden: another site's page may not load this (Sec-Fetch-Site: cross-site); start Swell with --cors to allow it."
        )
    }
}

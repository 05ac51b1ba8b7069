import HTTPTypes
import Hummingbird

/// When an HTML response gets the client script.
package struct InjectionPolicy: Sendable {
    let enabled: Bool

    package init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Injects into document and iframe navigations (and requests that do not say), never
    /// into `fetch()`ed fragments, which must stay byte-identical.
    package func shouldInject(_ request: Request) -> Bool {
        guard enabled else { return false }
        guard let destination = request.headers[.secFetchDest] else { return true }
        return Self.isDocument(destination)
    }

    /// A page load: `Sec-Fetch-Dest` `document` or `iframe`, or no `Sec-Fetch-Dest` and an
    /// `Accept` that names `text/html` (curl, older browsers). What `--exec` holds during a build.
    static func isNavigation(_ request: Request) -> Bool {
        if let destination = request.headers[.secFetchDest] { return isDocument(destination) }
        return request.headers[.accept]?.contains("text/html") ?? false
    }

    private static func isDocument(_ destination: String) -> Bool {
        let lowered = destination.lowercased()
        return lowered == "document" || lowered == "iframe"
    }
}

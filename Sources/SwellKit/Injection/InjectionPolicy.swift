import HTTPTypes
import Hummingbird

/// When an HTML response gets the client script.
struct InjectionPolicy: Sendable {
    let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Injects into document and iframe navigations (and requests that do not say), never
    /// into `fetch()`ed fragments, which must stay byte-identical.
    func shouldInject(_ request: Request) -> Bool {
        guard enabled else { return false }
        guard let destination = request.headers[.secFetchDest]?.lowercased() else { return true }
        return destination == "document" || destination == "iframe"
    }
}

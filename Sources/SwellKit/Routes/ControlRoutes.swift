import HTTPTypes
import Hummingbird
import NIOCore

/// Swell's own endpoints under `/__swell/`. None of them sends CORS headers.
public struct ControlRoutes: Sendable {
    let hub: EventHub
    let liveReload: LiveReloadService
    let root: String
    let started = ContinuousClock.now

    public init(hub: EventHub, liveReload: LiveReloadService, root: String) {
        self.hub = hub
        self.liveReload = liveReload
        self.root = root
    }

    /// The response for `/__swell/<name>`, or nil when `name` is not one of them.
    public func respond(to request: Request, name: String) -> Response? {
        switch name {
        case "events":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            return EventStreamResponse.make(for: request, hub: hub)
        case "client.js":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            return ClientScript.response(to: request)
        case "reload":
            guard request.method == .post else { return methodNotAllowed("POST") }
            guard OriginPolicy.allowsStateChange(request) else {
                return text(.forbidden, "403 Forbidden: /__swell/reload only accepts requests from this page's own origin or from tools.\n")
            }
            let event = hub.publish(ChangeSet(paths: []))
            return json(.ok, "{\"id\":\(JSONText.string(event.id?.description ?? ""))}")
        case "status":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            let watcher = liveReload.watcherStatus
            let report = StatusReport(
                version: hub.version,
                root: root,
                watcher: watcher.kind,
                watchCount: watcher.count,
                watchReady: watcher.ready,
                clients: hub.clientCount,
                lastEventID: hub.lastEventID?.description,
                uptimeSeconds: Double((ContinuousClock.now - started).components.seconds)
            )
            return json(.ok, report.json)
        default:
            return nil
        }
    }

    private func methodNotAllowed(_ allow: String) -> Response {
        var response = text(.methodNotAllowed, "405 Method Not Allowed: use \(allow).\n")
        response.headers[.allow] = allow
        return response
    }

    private func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    private func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}

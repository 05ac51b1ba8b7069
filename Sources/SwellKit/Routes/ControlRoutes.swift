import HTTPTypes
import Hummingbird
import NIOCore

/// Swell's own endpoints under `/__swell/`. None of them sends CORS headers.
struct ControlRoutes: Sendable {
    let hub: EventHub
    let status: @Sendable () -> StatusReport

    init(hub: EventHub, status: @escaping @Sendable () -> StatusReport) {
        self.hub = hub
        self.status = status
    }

    /// The response for `/__swell/<name>`, or nil when `name` is not one of them.
    /// `eventLoop` is the connection's: an event stream runs its writes there.
    func respond(to request: Request, name: String, eventLoop: (any EventLoop)? = nil) -> Response? {
        switch name {
        case "events":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            return EventStreamResponse.make(for: request, hub: hub, eventLoop: eventLoop)
        case "client.js":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            return ClientScript.page.response(to: request)
        case "worker.js":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            return ClientScript.worker.response(to: request)
        case "reload":
            guard request.method == .post else { return methodNotAllowed("POST") }
            guard OriginPolicy.allowsStateChange(request) else {
                return StatusResponse.plain(
                    .forbidden,
                    "403 Forbidden: /__swell/reload only accepts requests from this page's own origin or from tools."
                )
            }
            let event = hub.publish(ChangeSet(paths: []))
            return StatusResponse.json(.ok, "{\"id\":\(JSONText.string(event.id?.description ?? ""))}")
        case "pages":
            // A shared stream's holder reports how many pages it serves, for the status below.
            guard request.method == .post else { return methodNotAllowed("POST") }
            guard OriginPolicy.allowsStateChange(request) else {
                return StatusResponse.plain(.forbidden, "403 Forbidden: /__swell/pages only accepts requests from this page's own origin.")
            }
            let query = request.uri.queryParameters
            guard let client = query["client"].flatMap({ Int($0) }), let pages = query["pages"].flatMap({ Int($0) }) else {
                return StatusResponse.plain(.badRequest, "400 Bad Request: expected ?client=<id>&pages=<count>.")
            }
            guard hub.setPages(pages, forClient: client) else {
                return StatusResponse.plain(.notFound, "404 Not Found: no event stream \(client) is connected.")
            }
            return Response(status: .noContent, headers: [.cacheControl: "no-cache"])
        case "status":
            guard request.method == .get || request.method == .head else { return methodNotAllowed("GET, HEAD") }
            let report = status()
            return StatusResponse.json(.ok, report.json)
        default:
            return nil
        }
    }

    /// What `HotPathHandler` needs to answer `/__swell/<name>` itself: a GET of `events`;
    /// nil for anything else, which `respond` answers.
    func eventStreamOpening(for request: Request, name: String) -> EventStreamOpening? {
        guard name == "events", request.method == .get else { return nil }
        let (lastEventID, pages) = EventStreamResponse.parameters(of: request)
        return EventStreamOpening(
            head: HTTPResponse(status: .ok, headerFields: EventStreamResponse.headers),
            hub: hub,
            lastEventID: lastEventID,
            pages: pages
        )
    }

    private func methodNotAllowed(_ allow: String) -> Response {
        var response = StatusResponse.plain(.methodNotAllowed, "405 Method Not Allowed: use \(allow).")
        response.headers[.allow] = allow
        return response
    }
}

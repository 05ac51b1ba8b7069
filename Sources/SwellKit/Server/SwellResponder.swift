import HTTPTypes
import Hummingbird
import NIOCore

/// The top-level responder: the Host check, then Swell's own endpoints, then files; what
/// another site's page asks in the background is refused before either (`CrossSitePolicy`).
///
/// Routing is by the exact decoded path rather than Hummingbird's router so that every
/// request target goes through `RequestPath` exactly once, whatever it is for.
public struct SwellResponder: HTTPResponder {
    public typealias Context = SwellRequestContext

    let files: StaticFileResponder
    let counter: CounterStream?
    let hostCheck: HostCheckMiddleware<Context>?
    let control: ControlRoutes?
    let cors: Bool

    public init(configuration: SwellConfiguration, root: RootDirectory, control: ControlRoutes?, cache: FileCache? = nil) {
        files = StaticFileResponder(
            root: root,
            options: .init(spa: configuration.spa, cors: configuration.cors, injection: InjectionPolicy(enabled: control != nil), cache: cache)
        )
        counter = configuration.streamInterval.map(CounterStream.init(interval:))
        hostCheck = configuration.isLoopbackBind ? HostCheckMiddleware(allowedHosts: configuration.allowedHosts) : nil
        self.control = control
        cors = configuration.cors
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        if let hostCheck {
            response = try await hostCheck.handle(request, context: context) { request, context in route(request, context: context) }
        } else {
            response = route(request, context: context)
        }
        if request.headers[.connection]?.lowercased() == "close" {
            response.headers[.connection] = "close"
        }
        return response
    }

    private func route(_ request: Request, context: Context) -> Response {
        guard let path = try? RequestPath.parse(request.head.path ?? "/") else {
            return files.respond(to: request)
        }
        // `/__swell/*` belongs to Swell (with --no-reload, to nobody): never a file.
        if path.segments.first == "__swell" {
            if CrossSitePolicy.refuses(request) { return CrossSitePolicy.forbidden() }
            if path.segments.count == 2, let control,
                let response = control.respond(to: request, name: path.segments[1], eventLoop: context.eventLoop)
            {
                return response
            }
            return files.notFound(request, urlPath: path.urlPath)
        }
        // `/stream` is the demo counter, unless ROOT has a file of that name.
        if let counter, path.segments == ["stream"], !path.hasTrailingSlash,
            request.method == .get || request.method == .head, !hasRegularFile(path)
        {
            return counter.response(to: request)
        }
        if !cors && CrossSitePolicy.refuses(request) { return CrossSitePolicy.forbidden() }
        return files.respond(to: request, path: path, checkedMethod: false)
    }

    private func hasRegularFile(_ path: RequestPath) -> Bool {
        if case .success(let file) = files.root.open(path.relativePath) { return file.kind == .regular }
        return false
    }
}

import HTTPTypes
import Hummingbird
import NIOCore

/// The top-level responder, and the one place that says in which order every request is
/// checked. Each step runs before anything the next one does; a refusal ends the request.
///
/// 1. **Host** (bound to loopback): not `localhost`, `*.localhost`, `127.0.0.1`, `[::1]` or an
///    `--allow-host` name → `403` naming `--allow-host` (DNS rebinding; `HostCheck`).
/// 1½. **HTTPS** (`--https`): `/__swell/ca.pem` is the CA certificate, over either scheme; any
///    other plain-HTTP request on the HTTPS port → `307` to the https URL (`SecureServing`).
/// 2. **Target**: absolute form (`GET http://other/`) → `400` (`AbsoluteFormHandler`: never an
///    open proxy); then parsed once (`RequestPath`): NUL, a raw `#`, bad percent-encoding → `400`;
///    `..` climbing out → `400`; dotfiles and dot-folders but `/.well-known/` → `404`.
/// 3. **`/__swell/*`** belongs to Swell (with `--no-reload`, to nobody): a cross-site
///    background request → `403` (`CrossSitePolicy`); never a file, never CORS headers.
/// 4. **`/stream`**, the demo counter, unless ROOT has a file of that name (or a backend answers it).
/// 4½. **Proxy** (`--proxy`): a path under a backend's prefix (the dotfile rule aside, which is
///    the backend's to apply) is refused if a cross-site page loads it in the background
///    (`no-cors`: `<script>`, `<img>`) or submits a form to it; a WebSocket upgrade with
///    another origin is refused (one with this origin was tunnelled before it got here by
///    `WebSocketTunnelHandler`, after steps 1, 2 and this one); the rest is answered by
///    the backend (`BackendForwarder`) once any build has ended. `--header` is not added: the
///    backend's headers are its own.
/// 5. **Cross-site** background requests for files → `403`, unless `--cors`.
/// 5½. **Build** (`--exec`): while a build runs, a page navigation waits for it to end (at
///    most 30 s), so a reload never lands on a half-written site; while ROOT is missing
///    mid-build, every request for a file waits (`NavigationGate`).
/// 6. **Method**: GET and HEAD, else `405` with `Allow`.
/// 7. **Cache** (`FileCache`): a file served recently whose stamp, read beneath ROOT's
///    descriptor, is unchanged is answered from memory.
/// 8. **Open beneath ROOT** (`RootDirectory`, `openat2` with `RESOLVE_BENEATH`): a symlink
///    that leaves ROOT → `403`; unreadable → `403`; ROOT gone → `503`. The answer is served
///    from that descriptor, so no check-then-open race exists.
/// 9. **Folder**: `302` to the slash form (query kept); its `index.html`; else a listing.
/// 10. **Clean URL** `PATH.html`.
/// 11. **`--spa`** fallback, then **`404`** (`ROOT/404.html`, else a plain page).
///
/// Steps 6–11 are `StaticFileResponder`'s. Every answer but step 3's then gets the user's
/// `--header`s, replacing any of the same name: never Swell's own endpoints. Routing is by the decoded path rather than
/// Hummingbird's router so that every target goes through `RequestPath` exactly once.
struct SwellResponder: HTTPResponder {
    typealias Context = SwellRequestContext

    let files: StaticFileResponder
    let counter: CounterStream?
    let hostCheck: HostCheck?
    let control: ControlRoutes?
    let cors: Bool
    let userHeaders: HTTPFields
    /// Closed while a build runs; nil without `--exec`.
    let gate: NavigationGate?
    let navigationHold: Duration
    /// The backends and the forwarder that reaches them; nil without `--proxy`.
    let proxy: (settings: ProxySettings, forwarder: any BackendForwarder)?
    /// Serving HTTPS; nil for plain HTTP.
    let secure: SecureServing?

    init(
        configuration: SwellConfiguration,
        root: RootDirectory,
        control: ControlRoutes?,
        cache: FileCache? = nil,
        gate: NavigationGate? = nil,
        proxy: (settings: ProxySettings, forwarder: any BackendForwarder)? = nil,
        secure: SecureServing? = nil
    ) {
        self.gate = gate
        self.secure = secure
        self.proxy = proxy
        navigationHold = configuration.build?.navigationHold ?? .seconds(30)
        files = StaticFileResponder(
            root: root,
            options: .init(
                spa: configuration.spa,
                cors: configuration.cors,
                injection: InjectionPolicy(enabled: control != nil),
                cache: cache,
                hidden: HiddenFiles(paths: configuration.hiddenFiles, root: configuration.root),
                builds: configuration.build != nil
            )
        )
        counter = configuration.streamInterval.map(CounterStream.init(interval:))
        hostCheck = configuration.isLoopbackBind ? HostCheck(allowedHosts: configuration.allowedHosts) : nil
        self.control = control
        cors = configuration.cors
        var userHeaders = HTTPFields()
        for header in configuration.headers {
            if let name = HTTPField.Name(header.name) { userHeaders.append(HTTPField(name: name, value: header.value)) }
        }
        self.userHeaders = userHeaders
    }

    /// Where a request goes once steps 1 to 5 have judged it. Deciding is synchronous and
    /// does nothing but decide, so that `HotPathHandler` in the channel pipeline and this
    /// responder judge every request by the same code, in the same order.
    enum Route {
        /// Refused or redirected; `isSwells`: the answer is Swell's own (no `--header`).
        case answered(Response, isSwells: Bool)
        /// 4½: a backend's path.
        case backend(ProxyUpstream)
        /// 3: `/__swell/*`, past the cross-site check.
        case swell(RequestPath)
        /// 4: the demo counter.
        case counter
        /// 5½ onwards: a file under ROOT.
        case files(RequestPath)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        var isSwells = false
        switch route(request) {
        case .answered(let answer, let swells):
            (response, isSwells) = (answer, swells)
        case .backend(let upstream):
            // `proxy` is there, or `route` would not have found a backend.
            response = await forward(request, context: context, to: upstream, proxy: proxy!.forwarder)
            isSwells = true
        case .swell(let path):
            if path.segments.count == 2, let control,
                let answer = control.respond(to: request, name: path.segments[1], eventLoop: context.eventLoop)
            {
                response = answer
            } else {
                response = files.notFound(request, urlPath: path.urlPath)
            }
            isSwells = true
        case .counter:
            // `counter` is there, or `route` would not have chosen it.
            response = counter!.response(to: request)
        case .files(let path):
            // 5½.
            if let gate, holdsForBuild(request) { await gate.wait(upTo: navigationHold) }
            // 6–11.
            response = files.respond(to: request, path: path)
        }
        finish(&response.headers, for: request, isSwells: isSwells)
        return response
    }

    /// The answer `HotPathHandler` gives on the event loop (steps 1–8, no task): a cache hit;
    /// with `fileRegions`, a file too large for the cache, sent with `sendfile`; with
    /// `eventStreams`, a GET of `/__swell/events`; with `forwards`, a GET or HEAD without a body
    /// for a backend (the browser connection's loop forwards it). Nil whenever anything else would answer
    /// `head`, which then goes to `respond` as before.
    func hotAnswer(to head: HTTPRequest, eventStreams: Bool, fileRegions: Bool, forwards: Bool) -> HotAnswer? {
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        switch route(request) {
        case .files(let path):
            guard !holdsForBuild(request) else { return nil }
            if var answer = files.cachedAnswer(to: request, path: path) {
                finish(&answer.head.headerFields, for: request, isSwells: false)
                return .file(answer)
            }
            guard fileRegions, var answer = files.regionAnswer(to: request, path: path) else { return nil }
            finish(&answer.head.headerFields, for: request, isSwells: false)
            return .region(answer)
        case .backend(let upstream) where forwards:
            // A refusal, a navigation held by a build, a body: `forward` answers those.
            guard let proxy, request.method == .get || request.method == .head, proxyRefusal(request) == nil,
                !holdsForBuild(request, proxied: true), !ForwardedRequestHeaders.carriesBody(request.headers)
            else { return nil }
            return .forward(ForwardOpening(request: head, upstream: upstream, forwarder: proxy.forwarder, closes: Self.asksToClose(request)))
        case .swell(let path) where eventStreams:
            guard let control, path.segments.count == 2, var opening = control.eventStreamOpening(for: request, name: path.segments[1]) else {
                return nil
            }
            finish(&opening.head.headerFields, for: request, isSwells: true)
            return .events(opening)
        default:
            return nil
        }
    }

    /// What every answer gets last: the user's `--header`s (never on Swell's own answers), and
    /// `Connection: close` when the request asked for it.
    private func finish(_ headers: inout HTTPFields, for request: Request, isSwells: Bool) {
        if !isSwells {
            for field in userHeaders { headers[field.name] = field.value }
        }
        if Self.asksToClose(request) { headers[.connection] = "close" }
    }

    private static func asksToClose(_ request: Request) -> Bool {
        request.headers[.connection]?.lowercased() == "close"
    }

    /// 5½: while a build runs, a navigation waits for it, and while ROOT is missing mid-build,
    /// every request for a file does (a backend's requests do not need ROOT).
    private func holdsForBuild(_ request: Request, proxied: Bool = false) -> Bool {
        guard let gate, gate.isClosed else { return false }
        return InjectionPolicy.isNavigation(request) || (!proxied && !files.root.isPresent)
    }

    /// Steps 1 to 5 (see the type's list).
    func route(_ request: Request) -> Route {
        // 1.
        if let hostCheck, let refusal = hostCheck.refusal(for: request) { return .answered(refusal, isSwells: true) }
        // 2.
        if request.head.path == AbsoluteFormHandler.marker {
            return .answered(
                StatusResponse.plain(.badRequest, "400 Bad Request: absolute-form request targets are refused; Swell is not an open proxy."),
                isSwells: true
            )
        }
        // 1½.
        if let secure {
            if let target = request.head.path, SecureServing.isAuthorityPath(target) {
                return .answered(secure.authorityResponse(to: request), isSwells: true)
            }
            if request.head.scheme != "https" { return .answered(SecureServing.redirect(request.head), isSwells: true) }
        }
        let path: RequestPath
        do {
            path = try RequestPath.parse(request.head.path ?? "/", allowHidden: proxy != nil)
        } catch {
            return .answered(files.response(for: error, request: request), isSwells: false)
        }
        // 4½ comes first for a backend's path: its `/stream`, its dotfiles.
        if let proxy, path.segments.first != "__swell", let upstream = proxy.settings.upstream(forDecodedPath: path.decodedPath) {
            return .backend(upstream)
        }
        if proxy != nil, path.segments.contains(where: { $0.utf8.first == UInt8(ascii: ".") }) {
            // Not the backend's: the dotfile rule holds again.
            do {
                _ = try RequestPath.parse(request.head.path ?? "/")
            } catch {
                return .answered(files.response(for: error, request: request), isSwells: false)
            }
        }
        // 3.
        if path.segments.first == "__swell" {
            if CrossSitePolicy.refuses(request) { return .answered(CrossSitePolicy.forbidden(), isSwells: true) }
            return .swell(path)
        }
        // 4.
        if counter != nil, path.segments == ["stream"], !path.hasTrailingSlash,
            request.method == .get || request.method == .head, !hasRegularFile(path)
        {
            return .counter
        }
        // 5.
        if !cors && CrossSitePolicy.refuses(request) { return .answered(CrossSitePolicy.forbidden(), isSwells: false) }
        return .files(path)
    }

    /// 4½: the checks only a proxied request needs, then the backend.
    private func forward(_ request: Request, context: Context, to upstream: ProxyUpstream, proxy: any BackendForwarder) async -> Response {
        if let refusal = proxyRefusal(request) { return refusal }
        if let gate, holdsForBuild(request, proxied: true) { await gate.wait(upTo: navigationHold) }
        return await proxy.respond(to: request, context: context, upstream: upstream)
    }

    /// The answer to a proxied request that must not reach the backend; nil for one that may.
    private func proxyRefusal(_ request: Request) -> Response? {
        if request.head.path == nil || request.method == .connect {
            return StatusResponse.plain(.badRequest, "400 Bad Request: Swell forwards origin-form requests only; it is not an open proxy.")
        }
        if CrossSitePolicy.refusesProxied(request) { return CrossSitePolicy.forbiddenProxied() }
        if WebSocketUpgradeGate.isWebSocketUpgrade(request.headers) {
            // Every check but the Origin passed, or `WebSocketTunnelHandler` would have taken it.
            return StatusResponse.plain(
                .forbidden,
                "403 Forbidden: a WebSocket through Swell's proxy must come from a page Swell serves (its Origin must be this server's own origin)."
            )
        }
        return nil
    }

    private func hasRegularFile(_ path: RequestPath) -> Bool {
        if case .success(let file) = files.root.open(path.relativePath) { return file.kind == .regular }
        return false
    }
}

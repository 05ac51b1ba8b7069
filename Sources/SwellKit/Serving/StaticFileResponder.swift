import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Answers GET and HEAD for files under ROOT: steps 6 to 11 of `SwellResponder`'s list, for
/// a target already parsed once (`RequestPath`) and already past the Host and cross-site
/// checks. The lookup order is exact file → folder → `PATH.html` → `--spa` → 404; each
/// file's answer is a `FileResponsePlan`, then written from the descriptor it was opened by
/// or from the cache.
struct StaticFileResponder: Sendable {
    struct Options: Sendable {
        var spa = false
        var cors = false
        /// Inject the live-reload client into HTML navigations.
        var injection = InjectionPolicy(enabled: false)
        /// Small files' bytes kept between requests; nil reads every file each time.
        var cache: FileCache?
        /// Never served or listed (the config file).
        var hidden = HiddenFiles(paths: [], root: "/")
        /// A build makes ROOT (`--exec`): a missing ROOT is one not built yet, or being rebuilt.
        var builds = false
    }

    let root: RootDirectory
    let options: Options

    init(root: RootDirectory, options: Options) {
        self.root = root
        self.options = options
    }

    /// Steps 6–11 for an already parsed path.
    func respond(to request: Request, path: RequestPath) -> Response {
        // 6. Method.
        guard request.method == .get || request.method == .head else { return methodNotAllowed() }
        // 7. The cache: a file, or a folder's index, served recently and unchanged since (its
        //    stamp is read beneath ROOT's descriptor, so containment holds here too).
        if let hit = cachedAnswer(to: request, path: path) { return hit.response }
        // 8. The exact path, opened beneath ROOT: a symlink that leaves it → 403.
        switch root.open(path.relativePath) {
        case .success(let file) where file.kind == .regular:
            if path.hasTrailingSlash && !path.segments.isEmpty { return notFound(request, urlPath: path.urlPath) }
            return serve(.opened(file, path: path.relativePath), named: path.segments.last ?? "", request: request)
        case .success(let folder) where folder.kind == .directory:
            // 9. A folder: the slash form (302, query kept), then its index, else a listing.
            guard path.hasTrailingSlash else {
                var location = path.urlPath + "/"
                if let query = path.query { location += "?" + query }
                return plain(.found, "302 Found: \(location)", extra: [.location: location])
            }
            return serveFolder(folder, path: path, request: request)
        case .success:
            return plain(.forbidden, "403 Forbidden: not a regular file.")
        case .failure(let failure):
            if let refusal = refusal(failure, request: request) { return refusal }
        }
        // 10. Clean URLs: `PATH.html`.
        if !path.hasTrailingSlash, path.fileExtension != "html", let clean = path.appendingToLastSegment(".html") {
            if let hit = cached(clean.relativePath) { return serve(hit, named: clean.segments.last ?? "", request: request) }
            switch root.open(clean.relativePath) {
            case .success(let file) where file.kind == .regular:
                return serve(.opened(file, path: clean.relativePath), named: clean.segments.last ?? "", request: request)
            case .failure(.escapesRoot):
                return forbiddenEscape()
            default:
                break
            }
        }
        // 11. `--spa`, then 404.
        if options.spa, path.fileExtension.isEmpty, acceptsHTML(request), case .success(let index) = root.open("index.html"),
            index.kind == .regular
        {
            return serve(.opened(index, path: "index.html"), named: "index.html", request: request)
        }
        return notFound(request, urlPath: path.urlPath)
    }

    private func serveFolder(_ folder: OpenFile, path: RequestPath, request: Request) -> Response {
        let indexPath = path.appending("index.html")
        switch root.open(indexPath.relativePath) {
        case .success(let index) where index.kind == .regular:
            return serve(.opened(index, path: indexPath.relativePath), named: "index.html", request: request)
        case .failure(let failure):
            // An index that is there but cannot be opened: a listing in its place would be the wrong page.
            if let refusal = refusal(failure, request: request) { return refusal }
        case .success:
            break
        }
        let hidden = options.hidden
        let listing = DirectoryListing(folder: folder, relativePath: path.relativePath, urlPath: path.urlPath, root: root) { stamp in
            !hidden.isEmpty && hidden.hides(stamp)
        }
        return html(.ok, listing.html, request: request)
    }

    /// The answer for an open under ROOT that failed other than by there being no such file.
    private func refusal(_ failure: RootDirectory.OpenFailure, request: Request) -> Response? {
        switch failure {
        case .notFound: nil
        case .escapesRoot: forbiddenEscape()
        case .forbidden: plain(.forbidden, "403 Forbidden: the file is not readable.")
        case .rootMissing: rootMissing(request)
        case .failed(let code): unavailable(code)
        }
    }

    // MARK: Pages and refusals

    func notFound(_ request: Request, urlPath: String) -> Response {
        if case .success(let page) = root.open("404.html"), page.kind == .regular {
            return serve(.opened(page, path: "404.html"), named: "404.html", request: request, status: .notFound)
        }
        return html(.notFound, StatusPage.notFound(urlPath: urlPath), request: request)
    }

    /// The answer for a target that names nothing under ROOT.
    func response(for rejection: RequestPath.Rejection, request: Request) -> Response {
        switch rejection {
        case .badRequest(let reason):
            plain(.badRequest, "400 Bad Request: \(reason).")
        case .climbsOutOfRoot:
            plain(.badRequest, "400 Bad Request: the path climbs out of the served folder.")
        case .hidden:
            notFound(request, urlPath: request.head.path ?? "/")
        }
    }

    func methodNotAllowed() -> Response {
        plain(.methodNotAllowed, "405 Method Not Allowed: use GET or HEAD.", extra: [.allow: "GET, HEAD"])
    }

    /// ROOT was deleted or renamed: 503 until it is back (`RootMonitor`), never a misleading 404.
    func rootMissing(_ request: Request) -> Response {
        var response = html(.serviceUnavailable, options.builds ? StatusPage.rootNotBuilt : StatusPage.rootMissing, request: request)
        response.headers[.retryAfter] = "1"
        return response
    }

    /// An open that failed for a reason other than the file itself (out of descriptors, say).
    private func unavailable(_ code: Int32) -> Response {
        let reason = String(cString: strerror(code))
        return plain(.serviceUnavailable, "503 Service Unavailable: the file could not be opened (\(reason)); try again.", extra: [.retryAfter: "1"])
    }

    private func forbiddenEscape() -> Response {
        plain(.forbidden, "403 Forbidden: this path leads outside the served folder.")
    }

    /// A page generated in memory, with the serving policy's headers.
    func html(_ status: HTTPResponse.Status, _ page: String, request: Request) -> Response {
        StatusResponse.html(
            status,
            page,
            injection: options.injection.shouldInject(request) ? .standard : nil,
            isHead: request.method == .head,
            headers: policyHeaders(isHTML: true)
        )
    }

    /// A short plain-text answer for errors and redirects, with the serving policy's headers.
    func plain(_ status: HTTPResponse.Status, _ message: String, extra: HTTPFields = [:]) -> Response {
        var headers = policyHeaders(isHTML: false)
        headers.append(contentsOf: extra)
        return StatusResponse.plain(status, message, headers: headers)
    }

    func baseHeaders(contentType: String) -> HTTPFields {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-cache", .contentTypeOptions: "nosniff"]
        addPolicyHeaders(to: &headers, isHTML: ContentTypes.isHTML(contentType))
        return headers
    }

    /// What every answer for ROOT carries on top of its type: `Vary` where the body depends on
    /// `Sec-Fetch-Dest` (navigations get the script), and CORP, or ACAO with `--cors`.
    private func policyHeaders(isHTML: Bool) -> HTTPFields {
        var headers: HTTPFields = [:]
        addPolicyHeaders(to: &headers, isHTML: isHTML)
        return headers
    }

    /// The same, written into headers being built (the per-request path: no second collection).
    private func addPolicyHeaders(to headers: inout HTTPFields, isHTML: Bool) {
        if options.injection.enabled && isHTML { headers[.vary] = "Sec-Fetch-Dest" }
        if options.cors {
            headers[.accessControlAllowOrigin] = "*"
        } else {
            headers[.crossOriginResourcePolicy] = "same-origin"
        }
    }

    private func acceptsHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.contains("text/html") || accept.contains("*/*")
    }
}

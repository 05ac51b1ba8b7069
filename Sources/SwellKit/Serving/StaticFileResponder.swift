import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Answers GET and HEAD for files under ROOT.
///
/// The pipeline, in this order:
/// 1. Method: anything but GET and HEAD is `405` with `Allow`.
/// 2. Target (`RequestPath`): decoded once; NUL, a raw `#` or bad encoding → `400`;
///    climbing out → `400`; dotfiles and dot-folders (but `/.well-known/`) → `404`.
/// 3. Exact path, opened beneath ROOT's descriptor (`RootDirectory`): a symlink that
///    leaves ROOT → `403`. A folder without a trailing slash → `302` to the slash form,
///    keeping the query; with one → its `index.html`, else an HTML listing.
/// 4. Clean URL: `PATH.html`.
/// 5. `--spa`: an extension-less GET that accepts HTML → `/index.html`.
/// 6. `404` with `ROOT/404.html` when present, else a plain page.
/// Every file response then gets validators (`ETag` from inode, size and nanosecond
/// mtime), a `304` when they match, and for non-HTML files a single byte range.
public struct StaticFileResponder: Sendable {
    public struct Options: Sendable {
        public var spa = false
        public var cors = false
        /// Inject the live-reload client into HTML navigations.
        public var injection = InjectionPolicy(enabled: false)
        /// Small files' bytes kept between requests; nil reads every file each time.
        public var cache: FileCache?
        public init(spa: Bool = false, cors: Bool = false, injection: InjectionPolicy = InjectionPolicy(enabled: false), cache: FileCache? = nil) {
            self.spa = spa
            self.cors = cors
            self.injection = injection
            self.cache = cache
        }
    }

    public let root: RootDirectory
    public let options: Options

    public init(root: RootDirectory, options: Options) {
        self.root = root
        self.options = options
    }

    public func respond(to request: Request) -> Response {
        guard request.method == .get || request.method == .head else { return methodNotAllowed() }
        let path: RequestPath
        do {
            path = try RequestPath.parse(request.head.path ?? "/")
        } catch {
            return response(for: error, request: request)
        }
        return respond(to: request, path: path, checkedMethod: true)
    }

    /// Steps 3–6 for an already parsed path.
    public func respond(to request: Request, path: RequestPath, checkedMethod: Bool) -> Response {
        if !checkedMethod && request.method != .get && request.method != .head { return methodNotAllowed() }
        // The common case first: a file, or a folder's index, served recently and unchanged since.
        if path.hasTrailingSlash {
            let index = path.appending("index.html")
            if let hit = cached(index.relativePath) { return serve(hit, named: "index.html", request: request) }
        } else if let hit = cached(path.relativePath) {
            return serve(hit, named: path.segments.last ?? "", request: request)
        }
        switch root.open(path.relativePath) {
        case .success(let file) where file.kind == .regular:
            if path.hasTrailingSlash && !path.segments.isEmpty { return notFound(request, urlPath: path.urlPath) }
            return serve(.opened(file, path: path.relativePath), named: path.segments.last ?? "", request: request)
        case .success(let folder) where folder.kind == .directory:
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
        let listing = DirectoryListing(folder: folder, relativePath: path.relativePath, urlPath: path.urlPath, root: root)
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

    // MARK: Responses

    /// Where a response's bytes come from.
    enum FileSource {
        /// Opened for this request beneath ROOT; `path` is the key it may be cached under.
        case opened(OpenFile, path: String)
        case cached(FileCache.Entry)

        var stamp: FileStamp {
            switch self {
            case .opened(let file, _): file.stamp
            case .cached(let entry): entry.stamp
            }
        }
    }

    private func cached(_ relativePath: String) -> FileSource? {
        guard let cache = options.cache, let entry = cache.lookup(relativePath, currentStamp: { root.stamp(of: relativePath) }) else {
            return nil
        }
        return .cached(entry)
    }

    /// A file with validators, conditional and range handling.
    func serve(_ source: FileSource, named name: String, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let contentType = ContentTypes.forExtension(FileExtension.of(name))
        let isHTML = ContentTypes.isHTML(contentType)
        let stamp = source.stamp
        // The injected variant gets its own ETag, decided by the policy alone, so a revalidation
        // is answered with 304 before the file is read at all.
        let injects = isHTML && options.injection.shouldInject(request)
        let etag = EntityTag(stamp: stamp, variant: injects ? "swell" : nil)
        var headers = baseHeaders(contentType: contentType)
        headers[.eTag] = etag.description
        headers[.lastModified] = HTTPDate.format(secondsSinceEpoch: stamp.modifiedSeconds)
        if !isHTML { headers[.acceptRanges] = "bytes" }

        if status == .ok && ConditionalRequest.isNotModified(request.headers, etag: etag, modifiedSeconds: stamp.modifiedSeconds) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }

        // Plan the injection before any header is written: Content-Length describes the injected bytes.
        var injectionOffset: Int?
        if injects {
            switch source {
            case .cached(let entry):
                injectionOffset = entry.injectionOffset
            case .opened(let file, _):
                do {
                    injectionOffset = try FileBody.injectionOffset(in: file)
                } catch {
                    return plain(.internalServerError, "500 Internal Server Error: \(error).")
                }
            }
        }

        var range = stamp.size > 0 ? 0...(stamp.size - 1) : nil as ClosedRange<Int>?
        var responseStatus = status
        if status == .ok && !isHTML && ifRangeAllows(request.headers, etag: etag, modifiedSeconds: stamp.modifiedSeconds) {
            switch ByteRange.decide(request.headers[.range], size: stamp.size) {
            case .partial(let bytes):
                range = bytes
                responseStatus = .partialContent
                headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(stamp.size)"
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(stamp.size)"
                headers[.contentType] = nil
                headers[.contentLength] = "0"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .whole:
                break
            }
        }
        headers[.contentLength] = String(injectionOffset != nil ? stamp.size + ScriptInjector.tag.count : range?.count ?? 0)
        guard request.method != .head, injectionOffset != nil || range != nil else {
            // An empty file is kept too: its next request then needs no open either.
            if case .opened(let file, let path) = source, request.method == .get, file.size == 0 {
                filler(path, file: file, isHTML: isHTML)?(ByteBuffer())
            }
            return Response(status: responseStatus, headers: headers, body: ResponseBody())
        }
        let body: ResponseBody
        switch source {
        case .cached(let entry):
            if let injectionOffset {
                body = FileBody.body(entry.bytes, inserting: Self.scriptTag, at: injectionOffset)
            } else {
                body = FileBody.body(entry.bytes, range: range!)
            }
        case .opened(let file, let path):
            let fill = filler(path, file: file, isHTML: isHTML)
            if let injectionOffset {
                body = FileBody.body(file, inserting: ScriptInjector.tag, at: injectionOffset, fill: fill)
            } else {
                body = FileBody.body(file, range: range!, fill: fill)
            }
        }
        return Response(status: responseStatus, headers: headers, body: body)
    }

    private static let scriptTag = ByteBuffer(bytes: ScriptInjector.tag)

    /// What keeps a file's bytes once a response has read them all, when the cache takes files of its size.
    private func filler(_ path: String, file: OpenFile, isHTML: Bool) -> (@Sendable (ByteBuffer) -> Void)? {
        guard let cache = options.cache, cache.accepts(size: file.size) else { return nil }
        let generation = cache.generation
        return { bytes in cache.store(path, file: file, bytes: bytes, isHTML: isHTML, generation: generation) }
    }

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
            return plain(.badRequest, "400 Bad Request: \(reason).")
        case .climbsOutOfRoot:
            return plain(.badRequest, "400 Bad Request: the path climbs out of the served folder.")
        case .hidden:
            return notFound(request, urlPath: request.head.path ?? "/")
        }
    }

    private func methodNotAllowed() -> Response {
        plain(.methodNotAllowed, "405 Method Not Allowed: use GET or HEAD.", extra: [.allow: "GET, HEAD"])
    }

    /// ROOT was deleted or renamed: 503 until it is back (`RootMonitor`), never a misleading 404.
    func rootMissing(_ request: Request) -> Response {
        var response = html(.serviceUnavailable, StatusPage.rootMissing, request: request)
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

    /// An HTML page generated in memory (listings, the plain 404 page).
    func html(_ status: HTTPResponse.Status, _ page: String, request: Request) -> Response {
        var headers = baseHeaders(contentType: "text/html; charset=utf-8")
        var bytes = Array(page.utf8)
        if options.injection.shouldInject(request) { bytes = ScriptInjector.inject(into: bytes) }
        let buffer = ByteBuffer(bytes: bytes)
        headers[.contentLength] = String(buffer.readableBytes)
        let body = request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: buffer)
        return Response(status: status, headers: headers, body: body)
    }

    /// A short plain-text answer for errors and redirects.
    func plain(_ status: HTTPResponse.Status, _ message: String, extra: HTTPFields = [:]) -> Response {
        var headers = baseHeaders(contentType: "text/plain; charset=utf-8")
        headers.append(contentsOf: extra)
        let buffer = ByteBuffer(string: message + "\n")
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    private func baseHeaders(contentType: String) -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "no-cache",
            .contentTypeOptions: "nosniff",
        ]
        // With live reload on, an HTML body depends on Sec-Fetch-Dest (navigations get the script).
        if options.injection.enabled && ContentTypes.isHTML(contentType) { headers[.vary] = "Sec-Fetch-Dest" }
        if options.cors {
            headers[.accessControlAllowOrigin] = "*"
        } else {
            headers[.crossOriginResourcePolicy] = "same-origin"
        }
        return headers
    }

    private func ifRangeAllows(_ headers: HTTPFields, etag: EntityTag, modifiedSeconds: Int64) -> Bool {
        guard let ifRange = headers[.ifRange] else { return true }
        if ifRange.hasPrefix("\"") { return ifRange == etag.description }
        return HTTPDate.parse(ifRange) == modifiedSeconds
    }

    private func acceptsHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.contains("text/html") || accept.contains("*/*")
    }
}

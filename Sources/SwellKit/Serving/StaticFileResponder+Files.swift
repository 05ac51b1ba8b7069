import HTTPTypes
import Hummingbird
import NIOCore

/// The file half of `StaticFileResponder`: where a file's bytes come from (a descriptor opened
/// for this request, or the cache), its `FileResponsePlan`, and the thin writer that turns the
/// plan into a response.
extension StaticFileResponder {
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

    func cached(_ relativePath: String) -> FileSource? {
        guard let cache = options.cache, let entry = cache.lookup(relativePath, currentStamp: { root.stamp(of: relativePath) }) else {
            return nil
        }
        return .cached(entry)
    }

    /// Step 7 alone, for a target already past steps 1–6½: the answer from the cache for a
    /// GET or HEAD of a file (or a folder's index) served recently and unchanged since; nil
    /// whenever anything else would answer.
    func cachedAnswer(to request: Request, path: RequestPath) -> MemoryAnswer? {
        guard request.method == .get || request.method == .head else { return nil }
        let name = path.hasTrailingSlash ? "index.html" : path.segments.last ?? ""
        let key = path.hasTrailingSlash ? path.appending("index.html").relativePath : path.relativePath
        guard case .cached(let entry) = cached(key), options.hidden.isEmpty || !options.hidden.hides(entry.stamp) else { return nil }
        let plan = plan(for: entry.stamp, named: name, request: request, status: .ok, cached: entry) { entry.injectionOffset }
        return MemoryAnswer(plan, bytes: entry.bytes, isHead: request.method == .head)
    }

    /// For a GET of a regular file the cache does not take (and HTML is never among them: it
    /// may be injected): the answer's head and the byte range to send as it lies on disk,
    /// from the descriptor opened for it, for `sendfile`. Nil whenever anything else would
    /// answer; the responder then opens the file again and streams it.
    func regionAnswer(to request: Request, path: RequestPath) -> RegionAnswer? {
        guard request.method == .get, !path.hasTrailingSlash, let name = path.segments.last else { return nil }
        let contentType = ContentTypes.forExtension(FileExtension.of(name))
        guard !ContentTypes.isHTML(contentType) else { return nil }
        // A miss of a file the cache takes is the responder's, which opens it and fills the
        // cache: one `fstatat` says so here, rather than a second open.
        if let cache = options.cache, cache.accepts(size: root.stamp(of: path.relativePath)?.size ?? 0) { return nil }
        guard case .success(let file) = root.open(path.relativePath), file.kind == .regular else { return nil }
        if let cache = options.cache, cache.accepts(size: file.size) { return nil }
        guard options.hidden.isEmpty || !options.hidden.hides(file.stamp) else { return nil }
        let plan = plan(for: file.stamp, named: name, request: request, status: .ok) { nil }
        guard case .body(let status, let headers, let segments) = plan, segments.count == 1, case .file(let range) = segments[0] else { return nil }
        return RegionAnswer(head: HTTPResponse(status: status, headerFields: headers), file: file, range: range)
    }

    /// A file: plan the answer, then write it.
    func serve(_ source: FileSource, named name: String, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        if !options.hidden.isEmpty && options.hidden.hides(source.stamp) {
            return html(.notFound, StatusPage.notFound(urlPath: request.head.path ?? "/"), request: request)
        }
        switch source {
        case .cached(let entry):
            let plan = plan(for: entry.stamp, named: name, request: request, status: status, cached: entry) {
                entry.injectionOffset
            }
            return MemoryAnswer(plan, bytes: entry.bytes, isHead: request.method == .head).response
        case .opened(let file, let path):
            do {
                let plan = try plan(for: file.stamp, named: name, request: request, status: status) { try InjectionPlan.sizedOffset(in: file) }
                return write(plan, from: file, path: path, request: request)
            } catch {
                return plain(.internalServerError, "500 Internal Server Error: \(error).")
            }
        }
    }

    /// The answer for a file with `stamp`, decided before a byte of it is read;
    /// `injectionOffset` is asked only when the body will be injected.
    private func plan(
        for stamp: FileStamp,
        named name: String,
        request: Request,
        status: HTTPResponse.Status,
        cached entry: FileCache.Entry? = nil,
        injectionOffset: () throws -> Int?
    ) rethrows -> FileResponsePlan {
        // A cached file's type and validators were worked out when it was stored.
        let contentType = entry?.contentType ?? ContentTypes.forExtension(FileExtension.of(name))
        return try FileResponsePlan.make(
            stamp: stamp,
            contentType: contentType,
            status: status,
            request: .init(headers: request.headers, injects: options.injection.shouldInject(request)),
            baseHeaders: baseHeaders(contentType: contentType),
            tag: InjectionPlan.standard.tag,
            validators: entry?.validators,
            injectionOffset: injectionOffset
        )
    }

    /// The thin writer for a file opened for this request: a plan's status and headers, and
    /// its segments streamed from the descriptor.
    private func write(_ plan: FileResponsePlan, from file: OpenFile, path: String, request: Request) -> Response {
        switch plan {
        case .notModified(let headers):
            return Response(status: .notModified, headers: headers)
        case .unsatisfiable(let headers):
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .body(let status, let headers, let segments):
            guard request.method != .head, !segments.isEmpty else {
                // An empty file is kept too: its next request then needs no open either.
                if request.method == .get, file.size == 0 { filler(path, file: file)?(ByteBuffer()) }
                return Response(status: status, headers: headers, body: ResponseBody())
            }
            let coversFile = segments.reduce(0) { $0 + (FileBody.Segment.isFile($1) ? $1.count : 0) } == file.size
            let body = FileBody.body(file, segments: segments, fill: coversFile ? filler(path, file: file) : nil)
            return Response(status: status, headers: headers, body: body)
        }
    }

    /// What keeps a file's bytes once a response has read them all, when the cache takes files of its size.
    private func filler(_ path: String, file: OpenFile) -> (@Sendable (ByteBuffer) -> Void)? {
        guard let cache = options.cache, cache.accepts(size: file.size) else { return nil }
        let generation = cache.generation
        return { bytes in cache.store(path, file: file, bytes: bytes, generation: generation) }
    }
}

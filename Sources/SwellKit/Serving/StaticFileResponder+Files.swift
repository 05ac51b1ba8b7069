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

    /// A file: plan the answer, then write it.
    func serve(_ source: FileSource, named name: String, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        if !options.hidden.isEmpty && options.hidden.hides(source.stamp) {
            return html(.notFound, StatusPage.notFound(urlPath: request.head.path ?? "/"), request: request)
        }
        let contentType = ContentTypes.forExtension(FileExtension.of(name))
        let plan: FileResponsePlan
        do {
            plan = try FileResponsePlan.make(
                stamp: source.stamp,
                contentType: contentType,
                status: status,
                request: .init(headers: request.headers, injects: options.injection.shouldInject(request)),
                baseHeaders: baseHeaders(contentType: contentType),
                tag: InjectionPlan.standard.tag
            ) {
                switch source {
                case .cached(let entry): entry.injectionOffset
                case .opened(let file, _): try InjectionPlan.sizedOffset(in: file)
                }
            }
        } catch {
            return plain(.internalServerError, "500 Internal Server Error: \(error).")
        }
        return write(plan, from: source, request: request)
    }

    /// The thin writer: a plan's status and headers, and its segments from the source.
    private func write(_ plan: FileResponsePlan, from source: FileSource, request: Request) -> Response {
        switch plan {
        case .notModified(let headers):
            return Response(status: .notModified, headers: headers)
        case .unsatisfiable(let headers):
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .body(let status, let headers, let segments):
            guard request.method != .head, !segments.isEmpty else {
                // An empty file is kept too: its next request then needs no open either.
                if case .opened(let file, let path) = source, request.method == .get, file.size == 0 {
                    filler(path, file: file)?(ByteBuffer())
                }
                return Response(status: status, headers: headers, body: ResponseBody())
            }
            switch source {
            case .cached(let entry):
                return Response(status: status, headers: headers, body: FileBody.body(entry.bytes, segments: segments))
            case .opened(let file, let path):
                let coversFile = segments.reduce(0) { $0 + (FileBody.Segment.isFile($1) ? $1.count : 0) } == file.size
                let body = FileBody.body(file, segments: segments, fill: coversFile ? filler(path, file: file) : nil)
                return Response(status: status, headers: headers, body: body)
            }
        }
    }

    /// What keeps a file's bytes once a response has read them all, when the cache takes files of its size.
    private func filler(_ path: String, file: OpenFile) -> (@Sendable (ByteBuffer) -> Void)? {
        guard let cache = options.cache, cache.accepts(size: file.size) else { return nil }
        let generation = cache.generation
        return { bytes in cache.store(path, file: file, bytes: bytes, generation: generation) }
    }
}

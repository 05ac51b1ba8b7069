import HTTPTypes

/// What the answer for one file will be, decided before a byte of it is read or a header
/// written: `304`, `416`, or a status with its headers and the body as segments of the file
/// with the live-reload tag between them. Pure (no descriptor, no socket), so every rule of
/// validators, ranges and injection is tested on values; `StaticFileResponder` writes it.
enum FileResponsePlan: Equatable, Sendable {
    case notModified(HTTPFields)
    case unsatisfiable(HTTPFields)
    case body(status: HTTPResponse.Status, headers: HTTPFields, segments: [FileBody.Segment])

    /// The request as far as the plan looks at it.
    struct Request: Sendable {
        var headers: HTTPFields
        /// The live-reload script goes into this HTML file (`InjectionPolicy`).
        var injects: Bool
    }

    /// The plan for a file with `stamp`, named `name`, answered with `status` (`.ok`, or
    /// `.notFound` for `404.html`, which takes no validators or ranges into account).
    /// `validators`, when the file's are already formatted (a cached file), are the same
    /// values `stamp` gives.
    /// `baseHeaders` are the serving policy's (type, caching, CORS); `injectionOffset` is
    /// asked only when the body will be injected and is not already answered by a `304`.
    static func make(
        stamp: FileStamp,
        contentType: String,
        status: HTTPResponse.Status,
        request: Request,
        baseHeaders: HTTPFields,
        tag: [UInt8],
        validators: FileValidators? = nil,
        injectionOffset: () throws -> Int?
    ) rethrows -> FileResponsePlan {
        let isHTML = ContentTypes.isHTML(contentType)
        let injects = isHTML && request.injects
        // The injected variant has its own ETag, decided by the policy alone, so a revalidation
        // is answered with 304 before the file is read at all.
        let etag = validators.map { injects ? $0.injected : $0.plain } ?? EntityTag(stamp: stamp, variant: injects ? "swell" : nil)
        var headers = baseHeaders
        headers[.eTag] = etag.description
        headers[.lastModified] = validators?.lastModified ?? HTTPDate.format(secondsSinceEpoch: stamp.modifiedSeconds)
        if !isHTML { headers[.acceptRanges] = "bytes" }

        if status == .ok && ConditionalRequest.isNotModified(request.headers, etag: etag, modifiedSeconds: stamp.modifiedSeconds) {
            headers[.contentType] = nil
            return .notModified(headers)
        }
        if injects, let offset = try injectionOffset() {
            var segments: [FileBody.Segment] = []
            if offset > 0 { segments.append(.file(0...(offset - 1))) }
            segments.append(.bytes(tag))
            if offset < stamp.size { segments.append(.file(offset...(stamp.size - 1))) }
            headers[.contentLength] = String(stamp.size + tag.count)
            return .body(status: status, headers: headers, segments: segments)
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
                return .unsatisfiable(headers)
            case .whole:
                break
            }
        }
        headers[.contentLength] = String(range?.count ?? 0)
        return .body(status: responseStatus, headers: headers, segments: range.map { [.file($0)] } ?? [])
    }

    /// `If-Range` lets a range through only while the file is the one the client has.
    private static func ifRangeAllows(_ headers: HTTPFields, etag: EntityTag, modifiedSeconds: Int64) -> Bool {
        guard let ifRange = headers[.ifRange] else { return true }
        if ifRange.hasPrefix("\"") { return ifRange == etag.description }
        return HTTPDate.parse(ifRange) == modifiedSeconds
    }
}

import HTTPTypes

/// Decides whether a GET or HEAD can be answered with `304 Not Modified` (RFC 9110 §13.2.2).
enum ConditionalRequest {
    /// `If-None-Match` wins when present; otherwise `If-Modified-Since` against the whole-second mtime.
    static func isNotModified(_ headers: HTTPFields, etag: EntityTag, modifiedSeconds: Int64) -> Bool {
        if let noneMatch = headers[.ifNoneMatch] {
            return etag.matches(anyOf: noneMatch)
        }
        if let since = headers[.ifModifiedSince], let sinceSeconds = HTTPDate.parse(since) {
            return modifiedSeconds <= sinceSeconds
        }
        return false
    }
}

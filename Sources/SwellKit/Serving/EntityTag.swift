/// A strong validator built from inode, size and the nanosecond mtime.
///
/// Whole-second mtimes (as Hummingbird's FileMiddleware uses) keep the same tag across two
/// same-size saves within one second, and the browser then shows stale content after a 304.
struct EntityTag: Sendable, Equatable, CustomStringConvertible {
    /// The quoted header value, e.g. `"1a2b-400-17f3c…"`.
    let description: String

    init(file: OpenFile, variant: String? = nil) {
        self.init(stamp: file.stamp, variant: variant)
    }

    init(stamp: FileStamp, variant: String? = nil) {
        var value = String(stamp.inode, radix: 16) + "-" + String(stamp.size, radix: 16) + "-" + String(stamp.modifiedNanoseconds, radix: 16)
        if let variant { value += "-" + variant }
        description = "\"" + value + "\""
    }

    /// Whether an `If-None-Match` / `If-Range` header value names this tag (weak comparison: `W/` is ignored).
    func matches(anyOf headerValue: String) -> Bool {
        for candidate in headerValue.split(separator: ",") {
            var tag = candidate.trimmingWhitespace()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == description { return true }
        }
        return false
    }
}

extension StringProtocol {
    package func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}

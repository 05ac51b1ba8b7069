/// A request target turned into a path under ROOT, or the reason it cannot be one.
///
/// Decoding happens exactly once, here: the raw target is split at the first `?` (so a
/// query never changes which file is served), percent-decoded once, split on `/` only
/// (`\` stays part of a name, as on Linux), and `.` / `..` segments are resolved
/// lexically, so the path handed to the file system never contains `..` at all. The
/// kernel then enforces containment again when the file is opened (see `RootDirectory`).
struct RequestPath: Sendable, Equatable {
    /// Decoded segments below ROOT; never empty strings, `.` or `..`.
    let segments: [String]
    /// Whether the decoded path ended with `/` (a folder request).
    let hasTrailingSlash: Bool
    /// The raw query after `?`, without the `?`; `nil` when the target had none.
    let query: Substring?

    /// Why a target cannot name anything under ROOT.
    enum Rejection: Error, Equatable {
        /// Malformed: a raw `#`, a NUL byte, bad percent-encoding, invalid UTF-8, not origin-form.
        case badRequest(String)
        /// `..` segments that would climb above ROOT.
        case climbsOutOfRoot
        /// A dotfile or dot-folder (other than `/.well-known/`): never served.
        case hidden
    }

    init(segments: [String], hasTrailingSlash: Bool, query: Substring? = nil) {
        self.segments = segments
        self.hasTrailingSlash = hasTrailingSlash
        self.query = query
    }

    /// Parses a raw request target such as `/docs/a%20b.html?x=1`.
    /// `allowHidden` skips the dotfile rule, for a path a backend answers (`--proxy`).
    static func parse(_ target: String, allowHidden: Bool = false) throws(Rejection) -> RequestPath {
        let bytes = Array(target.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .badRequest("the request target must start with /") }
        if bytes.contains(UInt8(ascii: "#")) { throw .badRequest("a raw # is not allowed in a request target") }
        if bytes.contains(0) { throw .badRequest("NUL byte in the request target") }

        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = bytes[..<(queryStart ?? bytes.endIndex)]
        let query = queryStart.map { target.utf8[target.utf8.index(target.utf8.startIndex, offsetBy: $0 + 1)...] }.map { Substring($0) }

        let decoded = try percentDecode(rawPath)
        if decoded.contains(0) { throw .badRequest("NUL byte in the decoded path") }
        guard String(validating: decoded, as: UTF8.self) != nil else {
            throw .badRequest("the decoded path is not valid UTF-8")
        }

        // Split the bytes, not the Characters: a grapheme cluster can swallow a `/` (U+0605
        // followed by `/` is one Character), which would hide `..` or a dotfile inside a segment.
        var segments: [String] = []
        for part in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual([UInt8(ascii: ".")]) { continue }
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                guard !segments.isEmpty else { throw .climbsOutOfRoot }
                segments.removeLast()
                continue
            }
            segments.append(String(decoding: part, as: UTF8.self))
        }
        // By byte as well: ".\u{301}env" is a dotfile on disk though its first Character is not ".".
        for (index, segment) in segments.enumerated() where !allowHidden && segment.utf8.first == UInt8(ascii: ".") {
            if index == 0 && segment == ".well-known" { continue }
            throw .hidden
        }
        let trailing = decoded.last == UInt8(ascii: "/") || decoded.ends(with: Array("/.".utf8)) || decoded.ends(with: Array("/..".utf8))
        return RequestPath(segments: segments, hasTrailingSlash: trailing || segments.isEmpty, query: query)
    }

    /// The path relative to ROOT's descriptor: `a/b.html`, or `.` for ROOT itself.
    var relativePath: String {
        segments.isEmpty ? "." : segments.joined(separator: "/")
    }

    /// The decoded path with one leading `/`, as `--proxy PREFIX=URL` prefixes are matched against.
    var decodedPath: String {
        "/" + segments.joined(separator: "/") + (hasTrailingSlash && !segments.isEmpty ? "/" : "")
    }

    /// The same path as a browser would write it: one leading `/`, each segment
    /// percent-encoded. Always a same-origin path, so it is safe in a `Location` header.
    var urlPath: String {
        URLPathEncoding.path(segments: segments, trailingSlash: hasTrailingSlash && !segments.isEmpty)
    }

    /// The last segment's extension, lower-cased, without the dot (`""` when it has none).
    var fileExtension: String {
        segments.last.map(FileExtension.of) ?? ""
    }

    /// This path with `suffix` appended to its last segment (`/about` → `/about.html`).
    func appendingToLastSegment(_ suffix: String) -> RequestPath? {
        guard let last = segments.last else { return nil }
        return RequestPath(segments: segments.dropLast() + [last + suffix], hasTrailingSlash: false, query: query)
    }

    /// This path with one more segment (`/docs/` + `index.html`).
    func appending(_ segment: String) -> RequestPath {
        RequestPath(segments: segments + [segment], hasTrailingSlash: false, query: query)
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) throws(Rejection) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard let high = hexValue(bytes[safe: index + 1]), let low = hexValue(bytes[safe: index + 2])
                else { throw .badRequest("bad percent-encoding in the request target") }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8?) -> UInt8? {
        switch byte {
        case .some(let b) where b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case .some(let b) where b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case .some(let b) where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

extension ArraySlice {
    fileprivate subscript(safe index: Index) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

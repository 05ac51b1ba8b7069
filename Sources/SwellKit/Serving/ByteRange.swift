/// A single byte range request (RFC 9110 §14), decided against the file size.
enum ByteRange: Equatable, Sendable {
    /// Serve these bytes with `206` and `Content-Range: bytes first-last/size`.
    case partial(ClosedRange<Int>)
    /// `416` with `Content-Range: bytes */size`.
    case unsatisfiable
    /// Ignore the header and serve the whole file with `200` (absent, malformed or multi-range).
    case whole

    /// Parses `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` for a file of `size` bytes.
    static func decide(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return .whole }
        let value = header.trimmingWhitespace()
        guard value.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = value.dropFirst(6).trimmingWhitespace()
        // Several ranges would need multipart/byteranges; serving the whole file is allowed and safe.
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let startText = spec[..<dash].trimmingWhitespace()
        let endText = spec[spec.index(after: dash)...].trimmingWhitespace()

        let isNumber = { (text: Substring) in !text.isEmpty && text.allSatisfy(\.isASCIIDigit) }

        if startText.isEmpty {
            guard isNumber(endText) else { return .whole }
            // Digits too long for Int ask for more than any file has: the whole file.
            let suffix = Int(endText) ?? Int.max
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        }
        guard isNumber(startText) else { return .whole }
        guard let start = Int(startText), start < size else { return .unsatisfiable }
        if endText.isEmpty { return .partial(start...(size - 1)) }
        guard isNumber(endText) else { return .whole }
        let end = Int(endText) ?? Int.max
        guard end >= start else { return .whole }
        return .partial(start...min(end, size - 1))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

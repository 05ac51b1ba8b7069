/// One compiled gitignore-style pattern (see gitignore(5)).
///
/// `*` and `?` never cross `/`; `**` does (`**/x`, `a/**`, `a/**/b`); `[a-z]` and `[!a]`
/// are classes; `\` escapes. A pattern with a `/` before its end is anchored to the folder
/// of the file it came from; one without matches a name at any depth.
struct GlobPattern: Sendable, Equatable {
    let negated: Bool
    let directoryOnly: Bool
    let anchored: Bool
    private let glob: [UInt8]

    /// Parses one line of a `.gitignore`; nil for blank lines and comments.
    init?(line: some StringProtocol) {
        var text = Substring(line)
        if text.hasSuffix("\r") { text = text.dropLast() }
        // Trailing spaces are dropped unless escaped.
        while text.hasSuffix(" ") && !text.hasSuffix("\\ ") { text = text.dropLast() }
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        var negated = false
        if text.hasPrefix("!") {
            negated = true
            text = text.dropFirst()
        } else if text.hasPrefix("\\!") || text.hasPrefix("\\#") {
            text = text.dropFirst()
        }
        var directoryOnly = false
        if text.hasSuffix("/") {
            directoryOnly = true
            text = text.dropLast()
        }
        guard !text.isEmpty else { return nil }
        let anchored = text.dropLast().contains("/") || text.hasPrefix("/")
        if text.hasPrefix("/") { text = text.dropFirst() }
        self.negated = negated
        self.directoryOnly = directoryOnly
        self.anchored = anchored
        self.glob = Array(text.utf8)
    }

    /// Whether the pattern matches `relativePath` (relative to the pattern's folder, no leading `/`).
    func matches(relativePath: String, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        let path = Array(relativePath.utf8)
        if anchored { return Self.match(glob[...], path[...]) }
        let name = path.lastIndex(of: UInt8(ascii: "/")).map { path[($0 + 1)...] } ?? path[...]
        return Self.match(glob[...], name)
    }

    private static let slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*")

    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern
        var t = text
        while let c = p.first {
            if c == star {
                if p.dropFirst().first == star {
                    // `**`: any number of characters, slashes included.
                    var rest = p.dropFirst(2)
                    if rest.first == slash {
                        rest = rest.dropFirst()
                        // `**/` also matches zero folders.
                        if match(rest, t) { return true }
                        var index = t.startIndex
                        while index < t.endIndex {
                            if t[index] == slash && match(rest, t[(index + 1)...]) { return true }
                            index += 1
                        }
                        return false
                    }
                    if rest.isEmpty { return true }
                    var index = t.startIndex
                    while index <= t.endIndex {
                        if match(rest, t[index...]) { return true }
                        index += 1
                    }
                    return false
                }
                let rest = p.dropFirst()
                var index = t.startIndex
                while true {
                    if match(rest, t[index...]) { return true }
                    guard index < t.endIndex, t[index] != slash else { return false }
                    index += 1
                }
            }
            guard let ch = t.first else { return false }
            switch c {
            case UInt8(ascii: "?"):
                guard ch != slash else { return false }
                p = p.dropFirst()
            case UInt8(ascii: "["):
                guard ch != slash, let (matched, rest) = matchClass(p.dropFirst(), ch) else { return false }
                guard matched else { return false }
                p = rest
            case UInt8(ascii: "\\"):
                guard let literal = p.dropFirst().first, literal == ch else { return false }
                p = p.dropFirst(2)
            default:
                guard c == ch else { return false }
                p = p.dropFirst()
            }
            t = t.dropFirst()
        }
        return t.isEmpty
    }

    /// Matches `[...]` (after the `[`); returns whether `ch` is in the class and the pattern after `]`.
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ ch: UInt8) -> (Bool, ArraySlice<UInt8>)? {
        var p = pattern
        var negate = false
        if let first = p.first, first == UInt8(ascii: "!") || first == UInt8(ascii: "^") {
            negate = true
            p = p.dropFirst()
        }
        var matched = false
        var first = true
        while let c = p.first {
            if c == UInt8(ascii: "]") && !first { return (matched != negate, p.dropFirst()) }
            first = false
            var low = c
            p = p.dropFirst()
            if low == UInt8(ascii: "\\"), let escaped = p.first {
                low = escaped
                p = p.dropFirst()
            }
            if p.first == UInt8(ascii: "-"), let high = p.dropFirst().first, high != UInt8(ascii: "]") {
                if low <= ch && ch <= high { matched = true }
                p = p.dropFirst(2)
            } else if low == ch {
                matched = true
            }
        }
        return nil
    }
}

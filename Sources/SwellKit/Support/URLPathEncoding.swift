/// Percent-encodes file names into URL path segments the way a browser writes them.
enum URLPathEncoding {
    /// `segments` joined as `/a/b%20c`, with exactly one leading `/`.
    static func path(segments: [String], trailingSlash: Bool) -> String {
        var result = "/" + segments.map(encodeSegment).joined(separator: "/")
        if trailingSlash && !segments.isEmpty { result += "/" }
        return result
    }

    /// One segment: everything outside RFC 3986 `pchar` minus `:` is encoded, so the result
    /// can never start a scheme, an authority (`//`) or a query, and `\` never becomes a separator.
    static func encodeSegment(_ segment: String) -> String {
        var output = ""
        output.reserveCapacity(segment.utf8.count)
        for byte in segment.utf8 {
            if isAllowed(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0xF)
            }
        }
        return output
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    private static func hexDigit(_ value: UInt8) -> String {
        String(UnicodeScalar(value < 10 ? value + 48 : value + 55))
    }
}

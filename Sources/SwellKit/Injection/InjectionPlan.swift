import NIOCore

/// Where the live-reload `<script>` goes in an HTML body: the one plan every injected body
/// follows, with the tag as a parameter (the proxy's will carry a CSP nonce).
///
/// Two modes, because the body is either known whole or not:
/// - **sized**, for a body whose bytes are all at hand before the headers are written (files,
///   the cache, listings, the 404 and 503 pages): the tag goes before the last `</body>`,
///   else before the last `</html>`, else at the end; `Content-Length` and `ETag` then
///   describe the injected bytes. A page that already loads the client gets nothing.
/// - **streaming** (`StreamingInjection`), for a body that arrives chunk by chunk with no
///   known length (a backend's page): before the first `</head>`, else the first `<body`,
///   holding at most `streamingHoldLimit` bytes while looking, else at the end.
package struct InjectionPlan: Sendable {
    /// The bytes inserted.
    package let tag: [UInt8]

    package init(tag: [UInt8]) {
        self.tag = tag
    }

    /// The client script as every page Swell serves itself loads it.
    package static let standard = InjectionPlan(tag: Array(#"<script src="/__swell/client.js"></script>"#.utf8))
    /// What marks a page that already loads the client.
    static let marker = Array("/__swell/client.js".utf8)
    /// The most a streaming injection holds back while it looks for where the tag goes.
    static let streamingHoldLimit = 64 * 1024

    // MARK: Sized

    /// The insertion offset for a complete body, or nil when it already has the script.
    static func sizedOffset(in bytes: some Collection<UInt8>) -> Int? {
        var scanner = BodyEndScanner()
        scanner.feed(Array(bytes)[...], at: 0)
        return scanner.offset(totalSize: bytes.count)
    }

    /// The same for a file, read from its descriptor in chunks (a large page is never held whole).
    static func sizedOffset(in file: OpenFile, chunkSize: Int = 128 * 1024) throws -> Int? {
        var scanner = BodyEndScanner()
        var buffer = [UInt8](repeating: 0, count: min(chunkSize, max(file.size, 1)))
        var offset = 0
        while offset < file.size {
            let read = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            guard read > 0 else { break }
            scanner.feed(buffer[0..<read], at: offset)
            offset += read
        }
        return scanner.offset(totalSize: min(offset, file.size))
    }

    /// `bytes` with the tag inserted (unchanged when the page already loads the client).
    func injected(into bytes: [UInt8]) -> [UInt8] {
        guard let offset = Self.sizedOffset(in: bytes) else { return bytes }
        return Array(bytes[..<offset]) + tag + Array(bytes[offset...])
    }

    // MARK: Streaming

    /// A fresh injection for one streamed body.
    package func streaming() -> StreamingInjection {
        StreamingInjection(tag: tag, holdLimit: Self.streamingHoldLimit)
    }
}

/// Finds the last `</body>` and `</html>` (ASCII case-insensitive) and the client marker in
/// a body fed chunk by chunk: the sized mode's scan.
struct BodyEndScanner {
    private static let body = Array("</body>".utf8)
    private static let html = Array("</html>".utf8)
    private var lastBody: Int?
    private var lastHTML: Int?
    private var hasMarker = false
    private var tail: [UInt8] = []
    private var tailOffset = 0

    /// Feeds the bytes that start at `offset` in the body; chunks must come in order.
    mutating func feed(_ chunk: ArraySlice<UInt8>, at offset: Int) {
        // Keep the end of the previous chunk so that a tag split across chunks is still found.
        let window = tail + chunk
        let windowOffset = tail.isEmpty ? offset : tailOffset
        if let found = ASCII.lastIndex(of: Self.body, in: window) { lastBody = windowOffset + found }
        if let found = ASCII.lastIndex(of: Self.html, in: window) { lastHTML = windowOffset + found }
        if !hasMarker && ASCII.lastIndex(of: InjectionPlan.marker, in: window) != nil { hasMarker = true }
        let keep = min(window.count, InjectionPlan.marker.count - 1)
        tail = Array(window.suffix(keep))
        tailOffset = windowOffset + window.count - keep
    }

    /// Where to insert in a body of `totalSize` bytes; nil when the page already loads the client.
    func offset(totalSize: Int) -> Int? {
        if hasMarker { return nil }
        return lastBody ?? lastHTML ?? totalSize
    }
}

/// Case-insensitive (ASCII) byte search, the only kind HTML tag names need.
package enum ASCII {
    static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var start = haystack.count - needle.count
        while start >= 0 {
            if matches(needle, in: haystack, at: start) { return start }
            start -= 1
        }
        return nil
    }

    package static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        for start in max(0, from)...(haystack.count - needle.count) where matches(needle, in: haystack, at: start) {
            return start
        }
        return nil
    }

    /// `needle` must be lowercase.
    private static func matches(_ needle: [UInt8], in haystack: [UInt8], at start: Int) -> Bool {
        for (index, byte) in needle.enumerated() {
            var candidate = haystack[start + index]
            if candidate >= 65 && candidate <= 90 { candidate += 32 }
            if candidate != byte { return false }
        }
        return true
    }
}

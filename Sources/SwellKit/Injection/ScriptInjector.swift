/// Where the client `<script>` goes in an HTML body: before the last `</body>`, else
/// before the last `</html>`, else at the end; nowhere when the page already loads it.
///
/// The scan runs before any header is written, so `Content-Length` and `ETag` can describe
/// the injected bytes. It reads the file in chunks (tags are matched across chunk edges),
/// so a large page is never held whole in memory.
public enum ScriptInjector {
    public static let tag = Array(#"<script src="/__swell/client.js"></script>"#.utf8)
    private static let body = Array("</body>".utf8)
    private static let html = Array("</html>".utf8)
    private static let marker = Array("/__swell/client.js".utf8)

    /// The insertion offset for a complete body, or nil when it already has the script.
    public static func insertionOffset(in bytes: [UInt8]) -> Int? {
        var scanner = Scanner()
        scanner.feed(bytes[...], at: 0)
        return scanner.offset(totalSize: bytes.count)
    }

    /// `bytes` with the tag inserted (unchanged when already present).
    public static func inject(into bytes: [UInt8]) -> [UInt8] {
        guard let offset = insertionOffset(in: bytes) else { return bytes }
        return Array(bytes[..<offset]) + tag + Array(bytes[offset...])
    }

    /// Finds the last `</body>` and `</html>` (ASCII case-insensitive) and the client marker
    /// in a body fed chunk by chunk.
    public struct Scanner {
        private var lastBody: Int?
        private var lastHTML: Int?
        private var hasMarker = false
        private var tail: [UInt8] = []
        private var tailOffset = 0

        public init() {}

        /// Feeds the bytes that start at `offset` in the body; chunks must come in order.
        public mutating func feed(_ chunk: ArraySlice<UInt8>, at offset: Int) {
            // Keep the end of the previous chunk so that a tag split across chunks is still found.
            let window = tail + chunk
            let windowOffset = tail.isEmpty ? offset : tailOffset
            if let found = Self.lastIndex(of: ScriptInjector.body, in: window) { lastBody = windowOffset + found }
            if let found = Self.lastIndex(of: ScriptInjector.html, in: window) { lastHTML = windowOffset + found }
            if !hasMarker && Self.lastIndex(of: ScriptInjector.marker, in: window) != nil { hasMarker = true }
            let keep = min(window.count, ScriptInjector.marker.count - 1)
            tail = Array(window.suffix(keep))
            tailOffset = windowOffset + window.count - keep
        }

        /// Where to insert in a body of `totalSize` bytes; nil when the page already loads the client.
        public func offset(totalSize: Int) -> Int? {
            if hasMarker { return nil }
            return lastBody ?? lastHTML ?? totalSize
        }

        private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            var start = haystack.count - needle.count
            while start >= 0 {
                var matched = true
                for (index, byte) in needle.enumerated() {
                    var candidate = haystack[start + index]
                    if candidate >= 65 && candidate <= 90 { candidate += 32 }
                    if candidate != byte {
                        matched = false
                        break
                    }
                }
                if matched { return start }
                start -= 1
            }
            return nil
        }
    }
}

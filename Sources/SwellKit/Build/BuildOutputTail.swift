/// The last bytes of a build's output, for the page: the terminal gets all of it as it comes,
/// the overlay only the end, where the error is.
struct BuildOutputTail: Sendable, Equatable {
    static let defaultCapacity = 64 * 1024

    let capacity: Int
    private var bytes: [UInt8] = []
    /// Whether earlier output was dropped to stay within `capacity`.
    private(set) var isTruncated = false

    init(capacity: Int = Self.defaultCapacity) {
        self.capacity = capacity
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
        // Trimmed in steps, not per chunk, so a chatty build costs amortised constant time.
        if bytes.count > capacity * 2 { trim() }
    }

    private mutating func trim() {
        guard bytes.count > capacity else { return }
        bytes.removeFirst(bytes.count - capacity)
        isTruncated = true
    }

    /// The kept output as text: at most `capacity` bytes, starting at a line when cut, with
    /// terminal escapes (colours, cursor moves, titles) removed.
    var text: String {
        var kept = bytes
        if kept.count > capacity {
            kept.removeFirst(kept.count - capacity)
        }
        var start = 0
        if isTruncated || bytes.count > capacity, let newline = kept.firstIndex(of: UInt8(ascii: "\n")) {
            start = newline + 1
        }
        return Self.withoutEscapes(String(decoding: kept[start...], as: UTF8.self))
    }

    /// `text` with ANSI escape sequences removed: CSI (`ESC [ … final`), OSC (`ESC ] … BEL`
    /// or `ESC \`) and two-byte escapes; carriage returns before a newline are dropped too.
    static func withoutEscapes(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\u{1B}":
                guard let kind = scalars.next() else { break }
                if kind == "[" {
                    // Parameters and intermediates, then one final byte in @…~.
                    while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
                } else if kind == "]" {
                    var previous: Unicode.Scalar = " "
                    while let next = scalars.next() {
                        if next == "\u{07}" || (previous == "\u{1B}" && next == "\\") { break }
                        previous = next
                    }
                }
            case "\r":
                continue
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}

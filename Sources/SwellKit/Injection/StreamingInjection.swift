import NIOCore

/// The streaming mode of `InjectionPlan`: the tag goes into a body that arrives chunk by chunk,
/// of unknown length, while it streams.
///
/// Bytes are held only until the place for the tag is found: before the first `</head>`,
/// else before the first `<body` (a page without a head). Past `holdLimit` bytes with neither,
/// everything held is let go and the tag goes at the end of the body, so a huge page or one
/// that starts with a long stream is never held whole and never stalls. A page whose held
/// bytes already load the client gets no second copy.
package struct StreamingInjection {
    private enum State {
        /// Still looking; `held` is everything received so far.
        case searching
        /// The tag was placed (or is not needed): the rest passes through.
        case passing
        /// No place was found within the hold limit: pass through, tag at the end.
        case atEnd
    }

    private static let headEnd = Array("</head>".utf8)
    private static let bodyStart = Array("<body".utf8)

    let tag: [UInt8]
    let holdLimit: Int
    private var state = State.searching
    private var held: [UInt8] = []
    /// Where the next search starts: matches that end before it were already ruled out.
    private var searchedUpTo = 0

    init(tag: [UInt8], holdLimit: Int) {
        self.tag = tag
        self.holdLimit = holdLimit
    }

    /// Whether the tag has gone out (or was found unnecessary).
    package var isDone: Bool {
        if case .passing = state { true } else { false }
    }

    /// Takes the next chunk; returns the bytes that may be sent now, in order.
    package mutating func feed(_ chunk: ByteBuffer) -> [ByteBuffer] {
        switch state {
        case .passing, .atEnd:
            return chunk.readableBytes > 0 ? [chunk] : []
        case .searching:
            held.append(contentsOf: chunk.readableBytesView)
            return search()
        }
    }

    /// The body ended; returns what is still to be sent.
    package mutating func finish() -> [ByteBuffer] {
        defer {
            state = .passing
            held = []
        }
        switch state {
        case .passing:
            return []
        case .atEnd:
            return [ByteBuffer(bytes: tag)]
        case .searching:
            if ASCII.firstIndex(of: InjectionPlan.marker, in: held) != nil { return [ByteBuffer(bytes: held)] }
            return [ByteBuffer(bytes: held + tag)]
        }
    }

    private mutating func search() -> [ByteBuffer] {
        let from = max(0, searchedUpTo - Self.headEnd.count)
        let head = ASCII.firstIndex(of: Self.headEnd, in: held, from: from)
        let body = firstBodyTag(from: from)
        if let place = [head, body].compactMap({ $0 }).min() {
            state = .passing
            let out = held
            held = []
            if ASCII.firstIndex(of: InjectionPlan.marker, in: Array(out[..<place])) != nil { return [ByteBuffer(bytes: out)] }
            return [ByteBuffer(bytes: Array(out[..<place]) + tag + Array(out[place...]))]
        }
        searchedUpTo = held.count
        guard held.count > holdLimit else { return [] }
        state = ASCII.firstIndex(of: InjectionPlan.marker, in: held) != nil ? .passing : .atEnd
        let out = held
        held = []
        return [ByteBuffer(bytes: out)]
    }

    /// `<body` followed by a character that ends a tag name (`<bodyx` is another element).
    /// A `<body` at the very end of what is held waits for the next byte.
    private func firstBodyTag(from: Int) -> Int? {
        var start = from
        while let found = ASCII.firstIndex(of: Self.bodyStart, in: held, from: start) {
            let next = found + Self.bodyStart.count
            guard next < held.count else { return nil }
            switch held[next] {
            case UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                return found
            default:
                start = found + 1
            }
        }
        return nil
    }
}

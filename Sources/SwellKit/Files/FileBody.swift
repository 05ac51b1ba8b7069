import Hummingbird
import NIOCore
import NIOPosix

/// Streams exactly the announced byte range from one open descriptor.
///
/// Memory stays bounded by one chunk per response whatever the file size: each chunk is
/// written (and awaited, so the socket's back-pressure applies) before the next is read.
/// Small reads from the page cache take microseconds and run inline; larger files read
/// on NIO's blocking pool so a cold disk never parks the concurrency pool.
/// If the file shrinks while it is served, the bytes announced in `Content-Length` no
/// longer exist: the body throws, and Hummingbird closes the connection instead of
/// sending a body that disagrees with its headers.
enum FileBody {
    static let chunkSize = 128 * 1024
    static let inlineReadLimit = 256 * 1024

    /// A piece of a response body: bytes of the file, or bytes inserted between them.
    enum Segment: Sendable, Equatable {
        case file(ClosedRange<Int>)
        case bytes([UInt8])

        var count: Int {
            switch self {
            case .file(let range): range.count
            case .bytes(let bytes): bytes.count
            }
        }

        static func isFile(_ segment: Segment) -> Bool {
            if case .file = segment { true } else { false }
        }
    }

    /// `segments` streamed from `file`. With `fill`, the bytes of the file (which the segments
    /// then cover whole) are handed to `fill` once all are sent (`FileCache`).
    static func body(_ file: OpenFile, segments: [Segment], fill: (@Sendable (ByteBuffer) -> Void)?) -> ResponseBody {
        ResponseBody(contentLength: segments.reduce(0) { $0 + $1.count }) { writer in
            let allocator = ByteBufferAllocator()
            // The file's bytes in order, for the cache: the segments cover it whole when `fill` is set.
            var whole = fill.map { _ in allocator.buffer(capacity: file.size) }
            for segment in segments {
                switch segment {
                case .bytes(let bytes):
                    try await writer.write(allocator.buffer(bytes: bytes))
                case .file(let range):
                    var offset = range.lowerBound
                    let end = range.upperBound + 1
                    while offset < end {
                        let count = min(chunkSize, end - offset)
                        let chunk: ByteBuffer
                        if file.size <= inlineReadLimit {
                            chunk = try readChunk(file, offset: offset, count: count, allocator: allocator)
                        } else {
                            chunk = try await NIOThreadPool.singleton.runIfActive { [offset] in
                                try readChunk(file, offset: offset, count: count, allocator: allocator)
                            }
                        }
                        offset += chunk.readableBytes
                        whole?.writeImmutableBuffer(chunk)
                        try await writer.write(chunk)
                    }
                }
            }
            try await writer.finish(nil)
            if let fill, let whole { fill(whole) }
        }
    }

    private static func readChunk(_ file: OpenFile, offset: Int, count: Int, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: pointer[..<count]), at: offset)
        }
        guard read > 0 else { throw FileTruncatedError() }
        return buffer
    }
}

/// The file became shorter than the `Content-Length` already sent.
struct FileTruncatedError: Error, CustomStringConvertible {
    var description: String { "the file was truncated while it was being served; the connection is closed" }
}

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
public enum FileBody {
    static let chunkSize = 128 * 1024
    static let inlineReadLimit = 256 * 1024

    /// A piece of a response body: bytes of the file, or bytes inserted between them.
    public enum Segment: Sendable {
        case file(ClosedRange<Int>)
        case bytes([UInt8])

        var count: Int {
            switch self {
            case .file(let range): range.count
            case .bytes(let bytes): bytes.count
            }
        }
    }

    /// A body that streams `range` of `file`. With `fill`, a body that covers the whole
    /// file also hands its bytes to `fill` once they are all sent (`FileCache`).
    public static func body(_ file: OpenFile, range: ClosedRange<Int>, fill: (@Sendable (ByteBuffer) -> Void)? = nil) -> ResponseBody {
        body(file, segments: [.file(range)], fill: range.count == file.size ? fill : nil)
    }

    /// The whole file with `inserted` spliced in at `offset` (the live-reload script).
    public static func body(_ file: OpenFile, inserting inserted: [UInt8], at offset: Int, fill: (@Sendable (ByteBuffer) -> Void)? = nil)
        -> ResponseBody
    {
        var segments: [Segment] = []
        if offset > 0 { segments.append(.file(0...(offset - 1))) }
        segments.append(.bytes(inserted))
        if offset < file.size { segments.append(.file(offset...(file.size - 1))) }
        return body(file, segments: segments, fill: fill)
    }

    /// `range` of bytes already in memory: one write, no copy.
    public static func body(_ bytes: ByteBuffer, range: ClosedRange<Int>) -> ResponseBody {
        ResponseBody(byteBuffer: bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!)
    }

    /// Bytes already in memory with `inserted` spliced in at `offset`.
    public static func body(_ bytes: ByteBuffer, inserting inserted: ByteBuffer, at offset: Int) -> ResponseBody {
        let head = bytes.getSlice(at: bytes.readerIndex, length: offset)!
        let tail = bytes.getSlice(at: bytes.readerIndex + offset, length: bytes.readableBytes - offset)!
        return ResponseBody(contentLength: bytes.readableBytes + inserted.readableBytes) { writer in
            try await writer.write(contentsOf: [head, inserted, tail])
            try await writer.finish(nil)
        }
    }

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

    /// Where the live-reload script goes in an HTML file, scanned from the descriptor in
    /// chunks; nil when the page already loads it.
    public static func injectionOffset(in file: OpenFile) throws -> Int? {
        var scanner = ScriptInjector.Scanner()
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
public struct FileTruncatedError: Error, CustomStringConvertible {
    public var description: String { "the file was truncated while it was being served; the connection is closed" }
}

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

    /// A body that streams `range` of `file`.
    public static func body(_ file: OpenFile, range: ClosedRange<Int>) -> ResponseBody {
        ResponseBody(contentLength: range.count) { writer in
            var offset = range.lowerBound
            let end = range.upperBound + 1
            let allocator = ByteBufferAllocator()
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
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
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
public struct FileTruncatedError: Error, CustomStringConvertible {
    public var description: String { "the file was truncated while it was being served; the connection is closed" }
}

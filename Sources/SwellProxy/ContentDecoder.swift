import CompressNIO
import NIOCore
import SwellKit

/// Undoes a backend's `gzip` or `deflate` content coding chunk by chunk, so that the client can
/// be injected into a compressed page as it streams. zlib does the work (through CompressNIO);
/// this only feeds it and collects what comes out.
///
/// HTTP's `deflate` is meant to be the zlib format, but some servers send raw deflate; the
/// first bytes tell which.
final class ContentDecoder {
    enum Coding: String, Sendable {
        case gzip, deflate
    }

    /// A `Content-Encoding` Swell can decode, or nil (`identity` and absent are not codings).
    static func coding(for contentEncoding: String) -> Coding? {
        switch contentEncoding.trimmingWhitespace().lowercased() {
        case "gzip", "x-gzip": .gzip
        case "deflate": .deflate
        default: nil
        }
    }

    private let coding: Coding
    private var decompressor: ZlibDecompressor?
    private var finished = false
    private static let window = 64 * 1024

    init(_ coding: Coding) {
        self.coding = coding
    }

    /// The decoded bytes of the next encoded chunk (possibly none yet).
    func decode(_ chunk: ByteBuffer) throws -> [ByteBuffer] {
        var input = chunk
        guard input.readableBytes > 0, !finished else { return [] }
        let decompressor = try self.decompressor ?? makeDecompressor(firstBytes: input)
        self.decompressor = decompressor
        var out: [ByteBuffer] = []
        while input.readableBytes > 0 {
            var window = ByteBufferAllocator().buffer(capacity: Self.window)
            do {
                try decompressor.inflate(from: &input, to: &window)
                if window.readableBytes > 0 { out.append(window) }
                // Input left over means the stream ended (Z_STREAM_END): what follows is ignored.
                if input.readableBytes > 0 {
                    finished = true
                    return out
                }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                out.append(window)
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                if window.readableBytes > 0 { out.append(window) }
                return out
            }
        }
        return out
    }

    private func makeDecompressor(firstBytes: ByteBuffer) throws -> ZlibDecompressor {
        switch coding {
        case .gzip:
            return try ZlibDecompressor(algorithm: .gzip)
        case .deflate:
            // A zlib header: CM 8 in the low nibble, and the two bytes a multiple of 31.
            let bytes = firstBytes.readableBytesView
            if bytes.count >= 2 {
                let first = bytes[bytes.startIndex]
                let second = bytes[bytes.startIndex + 1]
                if first & 0x0F == 8 && (UInt16(first) << 8 | UInt16(second)) % 31 == 0 {
                    return try ZlibDecompressor(algorithm: .zlib)
                }
            }
            return try ZlibDecompressor(algorithm: .deflate)
        }
    }
}

import HTTPTypes
import Hummingbird
import NIOCore

/// A whole answer already in memory, a cache hit's: the response head, and the body as
/// slices of the cached bytes with the live-reload tag between them (none for `HEAD`, `304`
/// and `416`). `HotPathHandler` writes it straight to the channel; the responder wraps it
/// in a `Response`; both from this one value.
struct MemoryAnswer: Sendable {
    var head: HTTPResponse
    var body: [ByteBuffer]

    /// `plan` written from `bytes`, the whole file it was made for.
    init(_ plan: FileResponsePlan, bytes: ByteBuffer, isHead: Bool) {
        switch plan {
        case .notModified(let headers):
            head = HTTPResponse(status: .notModified, headerFields: headers)
            body = []
        case .unsatisfiable(let headers):
            head = HTTPResponse(status: .rangeNotSatisfiable, headerFields: headers)
            body = []
        case .body(let status, let headers, let segments):
            head = HTTPResponse(status: status, headerFields: headers)
            body =
                isHead
                ? []
                : segments.map { segment in
                    switch segment {
                    case .file(let range): bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!
                    case .bytes(let inserted): ByteBuffer(bytes: inserted)
                    }
                }
        }
    }

    /// The same answer for Hummingbird's writer.
    var response: Response {
        let body: ResponseBody
        switch self.body.count {
        case 0: body = ResponseBody()
        case 1: body = ResponseBody(byteBuffer: self.body[0])
        default:
            let buffers = self.body
            body = ResponseBody(contentLength: buffers.reduce(0) { $0 + $1.readableBytes }) { writer in
                try await writer.write(contentsOf: buffers)
                try await writer.finish(nil)
            }
        }
        return Response(status: head.status, headers: head.headerFields, body: body)
    }
}

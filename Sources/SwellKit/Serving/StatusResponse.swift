import HTTPTypes
import Hummingbird
import NIOCore

/// The one set of builders for the answers Swell writes itself rather than reads from ROOT:
/// errors and refusals as one line of plain text that names the fix, small JSON bodies, and
/// generated HTML pages (listings, the plain 404, the 503 while ROOT is missing), which get
/// the live-reload client by the sized injection plan like any page.
package enum StatusResponse {
    /// Every answer Swell writes itself: never cached, never sniffed into another type.
    private static let common: HTTPFields = [.cacheControl: "no-cache", .contentTypeOptions: "nosniff"]

    /// `message` as one line of text (a newline is added).
    static func plain(_ status: HTTPResponse.Status, _ message: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = common
        headers[.contentType] = "text/plain; charset=utf-8"
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = common
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A page generated in memory; `injection` nil leaves it as it is. A HEAD gets the same
    /// headers (the injected length included) and no body.
    package static func html(
        _ status: HTTPResponse.Status,
        _ page: String,
        injection: InjectionPlan?,
        isHead: Bool,
        headers extra: HTTPFields = [:]
    ) -> Response {
        response(htmlParts(status, page, injection: injection, isHead: isHead, headers: extra))
    }

    /// Parts such as `htmlParts` makes, as Hummingbird's response.
    package static func response(_ parts: (head: HTTPResponse, body: ByteBuffer?)) -> Response {
        Response(status: parts.head.status, headers: parts.head.headerFields, body: parts.body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
    }

    /// `html`'s answer as a head and a body, for a writer that is not Hummingbird's.
    package static func htmlParts(
        _ status: HTTPResponse.Status,
        _ page: String,
        injection: InjectionPlan?,
        isHead: Bool,
        headers extra: HTTPFields = [:]
    ) -> (head: HTTPResponse, body: ByteBuffer?) {
        var bytes = Array(page.utf8)
        if let injection { bytes = injection.injected(into: bytes) }
        var headers = common
        headers[.contentType] = "text/html; charset=utf-8"
        headers.append(contentsOf: extra)
        headers[.contentLength] = String(bytes.count)
        return (HTTPResponse(status: status, headerFields: headers), isHead ? nil : ByteBuffer(bytes: bytes))
    }
}

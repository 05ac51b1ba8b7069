import HTTPTypes
import Hummingbird
import NIOCore

/// A script Swell serves to browsers from bytes compiled into the binary: the page client
/// (`/__swell/client.js`) and the SharedWorker that holds one event stream for all of a
/// browser's tabs (`/__swell/worker.js`).
public struct ClientScript: Sendable {
    public static let page = ClientScript(bytes: PackageResources.client_js, name: "client")
    public static let worker = ClientScript(bytes: PackageResources.worker_js, name: "worker")

    public let bytes: [UInt8]
    let etag: String

    init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        // FNV-1a over the script: stable per build, changes when the script does.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        etag = "\"" + name + "-" + String(hash, radix: 16) + "\""
    }

    public func response(to request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/javascript; charset=utf-8",
            .cacheControl: "no-cache",
            .eTag: etag,
            .contentLength: String(bytes.count),
            .contentTypeOptions: "nosniff",
        ]
        if let match = request.headers[.ifNoneMatch], match.contains(etag) {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        let body = request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        return Response(status: .ok, headers: headers, body: body)
    }
}

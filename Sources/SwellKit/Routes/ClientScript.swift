import HTTPTypes
import Hummingbird
import NIOCore

/// `/__swell/client.js`, served from the bytes compiled into the binary.
public enum ClientScript {
    public static let bytes: [UInt8] = PackageResources.client_js
    static let etag: String = {
        // FNV-1a over the script: stable per build, changes when the script does.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"client-" + String(hash, radix: 16) + "\""
    }()

    public static func response(to request: Request) -> Response {
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

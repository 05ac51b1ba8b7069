import HTTPTypes
import Hummingbird
import NIOCore

/// A script Swell serves to browsers from bytes compiled into the binary: the page client
/// (`/__swell/client.js`) and the SharedWorker that holds one event stream for all of a
/// browser's tabs (`/__swell/worker.js`).
struct ClientScript: Sendable {
    static let page = ClientScript(bytes: assembled(PackageResources.client_js), name: "client")
    static let worker = ClientScript(bytes: assembled(PackageResources.worker_js), name: "worker")

    /// Both scripts say `// @swell-shared` where the shared stream code goes (`stream.js`),
    /// after the extensions that make an `update`, from the same list the server decides by.
    static func assembled(_ script: [UInt8]) -> [UInt8] {
        let marker = Array("// @swell-shared".utf8)
        guard let start = script.indices.first(where: { script[$0...].starts(with: marker) }) else { return script }
        let quoted = { (names: Set<String>) in "[" + names.sorted().map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let lists = """
            var SWELL_STYLESHEETS = \(quoted(ChangeSet.stylesheetExtensions));
            var SWELL_IMAGES = \(quoted(ChangeSet.imageExtensions));

            """
        return Array(script[..<start]) + Array(lists.utf8) + PackageResources.stream_js + Array(script[(start + marker.count)...])
    }

    let bytes: [UInt8]
    let etag: String

    init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        // FNV-1a over the script: stable per build, changes when the script does.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        etag = "\"" + name + "-" + String(hash, radix: 16) + "\""
    }

    func response(to request: Request) -> Response {
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

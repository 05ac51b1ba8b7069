import Testing

@testable import SwellKit

@Suite struct ContentTypesTests {
    @Test(arguments: [
        ("html", "text/html; charset=utf-8"), ("css", "text/css; charset=utf-8"), ("js", "text/javascript; charset=utf-8"),
        ("mjs", "text/javascript; charset=utf-8"), ("json", "application/json; charset=utf-8"), ("map", "application/json; charset=utf-8"),
        ("svg", "image/svg+xml; charset=utf-8"), ("png", "image/png"), ("jpg", "image/jpeg"), ("gif", "image/gif"),
        ("webp", "image/webp"), ("avif", "image/avif"), ("ico", "image/x-icon"), ("woff", "font/woff"), ("woff2", "font/woff2"),
        ("wasm", "application/wasm"), ("webmanifest", "application/manifest+json; charset=utf-8"),
        ("txt", "text/plain; charset=utf-8"), ("xml", "application/xml; charset=utf-8"), ("mp4", "video/mp4"),
        ("webm", "video/webm"), ("mp3", "audio/mpeg"), ("pdf", "application/pdf"), ("unknownext", "application/octet-stream"),
        ("", "application/octet-stream"),
    ])
    func extensionsMapToTheirContentType(fileExtension: String, contentType: String) {
        #expect(ContentTypes.forExtension(fileExtension) == contentType)
    }
}

import Testing

@testable import SwellKit

/// The generated table with the web's choices on top: what a browser needs to get.
@Suite struct ContentTypesTests {
    @Test(arguments: [
        ("html", "text/html; charset=utf-8"), ("htm", "text/html; charset=utf-8"), ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"), ("mjs", "text/javascript; charset=utf-8"), ("cjs", "text/javascript; charset=utf-8"),
        ("json", "application/json; charset=utf-8"), ("map", "application/json; charset=utf-8"),
        ("webmanifest", "application/manifest+json; charset=utf-8"), ("wasm", "application/wasm"),
        ("svg", "image/svg+xml; charset=utf-8"), ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"),
        ("gif", "image/gif"), ("webp", "image/webp"), ("avif", "image/avif"), ("ico", "image/x-icon"), ("heic", "image/heic"),
        ("woff", "font/woff"), ("woff2", "font/woff2"), ("ttf", "font/ttf"), ("otf", "font/otf"), ("ttc", "font/collection"),
        ("eot", "application/vnd.ms-fontobject"), ("vtt", "text/vtt; charset=utf-8"),
        ("txt", "text/plain; charset=utf-8"), ("md", "text/markdown; charset=utf-8"), ("csv", "text/csv; charset=utf-8"),
        ("xml", "application/xml; charset=utf-8"), ("xhtml", "application/xhtml+xml; charset=utf-8"),
        ("rss", "application/rss+xml; charset=utf-8"), ("atom", "application/atom+xml; charset=utf-8"),
        ("mp4", "video/mp4"), ("webm", "video/webm"), ("ts", "video/mp2t"), ("mp3", "audio/mpeg"), ("ogg", "audio/ogg"),
        ("wav", "audio/wav"), ("pdf", "application/pdf"), ("zip", "application/zip"), ("gz", "application/gzip"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("apk", "application/vnd.android.package-archive"),
        ("unknownext", "application/octet-stream"), ("", "application/octet-stream"),
    ])
    func extensionsMapToTheirContentType(fileExtension: String, contentType: String) {
        #expect(ContentTypes.forExtension(fileExtension) == contentType)
    }

    @Test func theTableCoversTheRegistryNotJustTheCommonWebTypes() {
        #expect(ContentTypes.table.count > 1000)
        #expect(ContentTypes.table.keys.allSatisfy { $0 == $0.lowercased() && !$0.hasPrefix(".") })
    }
}

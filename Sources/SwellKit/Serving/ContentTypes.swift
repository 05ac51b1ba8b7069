/// Extension → `Content-Type`, with `charset=utf-8` on text types. The table is generated
/// (`ContentTypeTable.swift`, by `Scripts/generate-content-types`) from the IANA registrations
/// as Debian's media-types package ships them, with the web's own choices on top.
enum ContentTypes {
    /// The type for a lower-case extension without its dot; unknown → `application/octet-stream`.
    static func forExtension(_ fileExtension: String) -> String {
        table[fileExtension] ?? "application/octet-stream"
    }

    /// Whether responses of this type are HTML pages (the ones live reload injects into).
    static func isHTML(_ contentType: String) -> Bool {
        contentType.hasPrefix("text/html")
    }
}

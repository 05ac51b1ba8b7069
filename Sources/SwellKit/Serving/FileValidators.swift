/// A cached file's validators as header values: its `ETag`, plain and for the injected
/// variant, and `Last-Modified`, formatted once when the file is cached rather than for
/// every response that serves it.
struct FileValidators: Sendable {
    let plain: EntityTag
    let injected: EntityTag
    let lastModified: String

    init(stamp: FileStamp) {
        plain = EntityTag(stamp: stamp)
        injected = EntityTag(stamp: stamp, variant: "swell")
        lastModified = HTTPDate.format(secondsSinceEpoch: stamp.modifiedSeconds)
    }
}

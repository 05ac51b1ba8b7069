import NIOCore
import SwellKit
import Synchronization

/// The body's way through the proxy: as it is, or decoded and injected. Made inside the
/// response's body task, which alone uses it (zlib's stream is not for sharing).
struct BodyTransform {
    private var injection: StreamingInjection?
    private let decoder: ContentDecoder?
    /// A `<meta http-equiv="Content-Security-Policy">` went by in the page's head.
    private(set) var sawMetaPolicy = false

    init() {
        injection = nil
        decoder = nil
    }

    init(plan: InjectionPlan, coding: ContentDecoder.Coding?) {
        injection = plan.streaming()
        decoder = coding.map(ContentDecoder.init)
    }

    mutating func feed(_ chunk: ByteBuffer) throws -> [ByteBuffer] {
        guard var injection else { return [chunk] }
        let decoded = try decoder.map { try $0.decode(chunk) } ?? [chunk]
        if !injection.isDone && !sawMetaPolicy { sawMetaPolicy = decoded.contains(where: ProxyResponder.hasMetaPolicy) }
        let out = decoded.flatMap { injection.feed($0) }
        self.injection = injection
        return out
    }

    mutating func finish() -> [ByteBuffer] {
        guard var injection else { return [] }
        let out = injection.finish()
        self.injection = injection
        return out
    }
}

/// Says each warning once.
final class Warnings: Sendable {
    private let said = Mutex<Set<String>>([])

    func first(_ key: String) -> Bool {
        said.withLock { $0.insert(key).inserted }
    }
}

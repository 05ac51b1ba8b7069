import Foundation

/// A throwaway ROOT for one test, with a sentinel file just outside it whose text must
/// never appear in any response. Removed when the value is released.
public final class TemporarySite: Sendable {
    /// The folder that contains ROOT and the sentinel.
    public let container: URL
    /// ROOT.
    public let root: URL
    public static let sentinelText = "SWELL-SENTINEL-OUTSIDE-ROOT-7f3a"

    public init(_ files: [String: String] = [:]) throws {
        container = FileManager.default.temporaryDirectory.appendingPathComponent("swell-test-\(UUID().uuidString)")
        root = container.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Self.sentinelText.write(to: container.appendingPathComponent("sentinel.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: container.appendingPathComponent("rootsibling"), withIntermediateDirectories: true)
        try Self.sentinelText.write(to: container.appendingPathComponent("rootsibling/secret.txt"), atomically: false, encoding: .utf8)
        for (path, text) in files { try write(path, text) }
    }

    deinit {
        try? FileManager.default.removeItem(at: container)
    }

    /// Writes `text` at `path` under ROOT, creating folders.
    public func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    public func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func mkdir(_ path: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(path), withIntermediateDirectories: true)
    }

    /// A symlink at `path` under ROOT pointing at `target` (as given: relative or absolute).
    public func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent(path).path, withDestinationPath: target)
    }

    /// ROOT as a path.
    public var path: String { root.path }

    public var sentinelPath: String { container.appendingPathComponent("sentinel.txt").path }
}

import Foundation

/// A throwaway folder to serve, removed afterwards.
final class Site: Sendable {
    let root: URL

    init(_ files: [String: String] = ["index.html": "<h1>hello</h1>"]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("swell-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    var path: String { root.path }
}

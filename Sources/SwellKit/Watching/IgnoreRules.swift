import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Which paths under ROOT the watcher ignores: the built-in editor and tool noise, the
/// patterns of `ROOT/.gitignore` and of nested `.gitignore` files (read on first use,
/// re-read after they change), and `--ignore`.
///
/// As in git, the last matching pattern wins, `!` re-includes, and nothing below an
/// ignored folder can be re-included, so an ignored folder is never even walked.
final class IgnoreRules: Sendable {
    static let defaults = [
        ".git/", ".hg/", ".svn/", "node_modules/", ".build/", ".swiftpm/",
        "*.swp", "*.swx", "*~", ".#*", "\\#*#", "4913", ".DS_Store",
    ]

    private let root: String
    private let builtIn: [GlobPattern]
    private let extra: [GlobPattern]
    /// Folder (relative, "" for ROOT) → its `.gitignore` patterns.
    private let gitignores = Mutex<[String: [GlobPattern]]>([:])

    init(root: String, extraPatterns: [String] = []) {
        self.root = root
        builtIn = Self.defaults.compactMap { GlobPattern(line: $0) }
        extra = extraPatterns.compactMap { GlobPattern(line: $0) }
    }

    /// Whether an absolute path under ROOT is ignored. Paths outside ROOT are not.
    func isIgnored(absolutePath: String, isDirectory: Bool) -> Bool {
        guard absolutePath.hasPrefix(root + "/") else { return false }
        return isIgnored(relativePath: String(absolutePath.dropFirst(root.count + 1)), isDirectory: isDirectory)
    }

    /// Whether `relativePath` (no leading `/`) is ignored, itself or through a folder above it.
    func isIgnored(relativePath: String, isDirectory: Bool) -> Bool {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return false }
        for depth in 1...components.count {
            let isLast = depth == components.count
            let prefix = components[0..<depth].joined(separator: "/")
            if ignoredHere(prefix, isDirectory: isLast ? isDirectory : true, components: components[0..<depth]) { return true }
        }
        return false
    }

    /// `isIgnored(absolutePath:isDirectory:)` for an entry of a folder already known not to be
    /// ignored, as in a walk that only descends into such folders: only the entry's own level
    /// is matched, instead of every folder above it again.
    func isIgnoredEntry(absolutePath: String, isDirectory: Bool) -> Bool {
        guard absolutePath.hasPrefix(root + "/") else { return false }
        let relativePath = absolutePath.dropFirst(root.count + 1)
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return false }
        return ignoredHere(components.joined(separator: "/"), isDirectory: isDirectory, components: components[...])
    }

    /// Forgets cached `.gitignore` files so that the next question re-reads them.
    func gitignoreChanged() {
        gitignores.withLock { $0.removeAll() }
    }

    private func ignoredHere(_ path: String, isDirectory: Bool, components: ArraySlice<Substring>) -> Bool {
        var ignored = false
        for pattern in builtIn where pattern.matches(relativePath: path, isDirectory: isDirectory) {
            ignored = !pattern.negated
        }
        // Each .gitignore from ROOT down to the path's folder, deeper ones last (they win).
        for depth in 0..<components.count {
            let base = components.prefix(depth).joined(separator: "/")
            let relative = components.dropFirst(depth).joined(separator: "/")
            for pattern in patterns(inFolder: base) where pattern.matches(relativePath: relative, isDirectory: isDirectory) {
                ignored = !pattern.negated
            }
        }
        for pattern in extra where pattern.matches(relativePath: path, isDirectory: isDirectory) {
            ignored = !pattern.negated
        }
        return ignored
    }

    private func patterns(inFolder folder: String) -> [GlobPattern] {
        if let cached = gitignores.withLock({ $0[folder] }) { return cached }
        let file = folder.isEmpty ? root + "/.gitignore" : root + "/" + folder + "/.gitignore"
        let loaded = Self.read(file).split(separator: "\n").compactMap { GlobPattern(line: $0) }
        gitignores.withLock { $0[folder] = loaded }
        return loaded
    }

    private static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Which paths the watcher ignores: the built-in editor and tool noise, the patterns of
/// `.gitignore` files (read on first use, re-read after they change), and `--ignore`.
///
/// As in git, the last matching pattern wins, `!` re-includes, and nothing below an
/// ignored folder can be re-included, so an ignored folder is never even walked.
///
/// Without `--exec` there is one scope, ROOT. With it there are up to three, and a path
/// takes the rules of the first that holds it: an explicit `--source`, then ROOT (the
/// build's output: built-in noise and `--ignore` only, since a project's `.gitignore`
/// usually lists the output folder itself), then the project folder, whose `.gitignore` and
/// build caches (`buildCaches`) apply to the sources. Whatever the scope, the files Swell's
/// own output goes to (`ownFiles`) are ignored: every event would write a line to them.
final class IgnoreRules: Sendable {
    static let defaults = [
        ".git/", ".hg/", ".svn/", "node_modules/", ".build/", ".swiftpm/",
        "*.swp", "*.swx", "*~", ".#*", "\\#*#", "4913", ".DS_Store",
    ]

    /// What site builders write beside their sources on every run: as sources they would
    /// start a build after each build. The SPEC's list first, then what other builders a user
    /// pairs with `--exec` write there (Jekyll's `--incremental` metadata, Sphinx's pickled
    /// doctrees next to `_build/html`, the generated code of Docusaurus, Astro, SvelteKit,
    /// Next, Nuxt and VitePress, Quarto's freeze, TypeScript's and the Python linters' caches).
    static let buildCaches = [
        "resources/_gen/", ".hugo_build.lock", ".jekyll-cache/", ".sass-cache/", "__pycache__/", ".cache/", ".parcel-cache/",
        ".jekyll-metadata", "**/_build/doctrees/", ".doctrees/", ".docusaurus/", ".astro/", ".svelte-kit/", ".next/", ".nuxt/",
        "**/.vitepress/cache/", "**/.vitepress/.temp/", ".quarto/", "*.tsbuildinfo", ".mypy_cache/", ".ruff_cache/",
    ]

    private let scopes: [(folders: [String], rules: Scope)]
    /// Absolute paths, as the watchers report them, of files never to report.
    private let ownFiles: Set<String>

    /// ROOT alone: its `.gitignore` files, the defaults and `extraPatterns`.
    init(root: String, extraPatterns: [String] = [], ownFiles: Set<String> = []) {
        scopes = [([root], Scope(root: root, builtIn: Self.defaults, extra: extraPatterns, readsGitignore: true))]
        self.ownFiles = ownFiles
    }

    /// Build mode: `sources` (explicit `--source` folders, or empty for "the project folder,
    /// less ROOT"), the output `root`, and the project folder the build runs in.
    init(root: String, project: String, sources: [String], extraPatterns: [String] = [], ownFiles: Set<String> = []) {
        self.ownFiles = ownFiles
        let sourceRules = Scope(root: project, builtIn: Self.defaults + Self.buildCaches, extra: extraPatterns, readsGitignore: true)
        let outputRules = Scope(root: root, builtIn: Self.defaults, extra: extraPatterns, readsGitignore: false)
        var scopes: [(folders: [String], rules: Scope)] = []
        if !sources.isEmpty { scopes.append((sources, sourceRules)) }
        scopes.append(([root], outputRules))
        if sources.isEmpty { scopes.append(([project], sourceRules)) }
        self.scopes = scopes
    }

    private func scope(for absolutePath: String) -> Scope? {
        scopes.first { $0.folders.contains { absolutePath == $0 || absolutePath.hasPrefix($0 + "/") } }?.rules
    }

    /// Whether an absolute path is ignored. Paths outside every scope (`--watch`) are not,
    /// unless Swell's own output goes there.
    func isIgnored(absolutePath: String, isDirectory: Bool) -> Bool {
        if !isDirectory, !ownFiles.isEmpty, ownFiles.contains(absolutePath) { return true }
        return scope(for: absolutePath)?.isIgnored(absolutePath: absolutePath, isDirectory: isDirectory) ?? false
    }

    /// `isIgnored(absolutePath:isDirectory:)` for an entry of a folder already known not to be
    /// ignored, as in a walk that only descends into such folders: only the entry's own level
    /// is matched, instead of every folder above it again.
    func isIgnoredEntry(absolutePath: String, isDirectory: Bool) -> Bool {
        if !isDirectory, !ownFiles.isEmpty, ownFiles.contains(absolutePath) { return true }
        return scope(for: absolutePath)?.isIgnoredEntry(absolutePath: absolutePath, isDirectory: isDirectory) ?? false
    }

    /// `files` (absolute, symbolic links resolved) as the watchers will report them: under
    /// each of `folders` as it was given, which may reach them through a symbolic link.
    static func ownFiles(_ files: [String], asSeenFrom folders: [String]) -> Set<String> {
        var seen = Set(files)
        for folder in folders {
            guard let real = RealPath.of(folder), real != folder else { continue }
            for file in files where file.hasPrefix(real + "/") {
                seen.insert(folder + file.dropFirst(real.count))
            }
        }
        return seen
    }

    /// Whether `relativePath` (no leading `/`) under the first scope's folder is ignored.
    func isIgnored(relativePath: String, isDirectory: Bool) -> Bool {
        scopes.first?.rules.isIgnored(relativePath: relativePath, isDirectory: isDirectory) ?? false
    }

    /// Forgets cached `.gitignore` files so that the next question re-reads them.
    func gitignoreChanged() {
        for scope in scopes { scope.rules.gitignoreChanged() }
    }
}

/// One folder's rules: patterns relative to `root`, and its `.gitignore` files if it reads them.
private final class Scope: Sendable {
    private let root: String
    private let builtIn: [GlobPattern]
    private let extra: [GlobPattern]
    private let readsGitignore: Bool
    /// Folder (relative, "" for the scope's root) → its `.gitignore` patterns.
    private let gitignores = Mutex<[String: [GlobPattern]]>([:])

    init(root: String, builtIn: [String], extra: [String], readsGitignore: Bool) {
        self.root = root
        self.builtIn = builtIn.compactMap { GlobPattern(line: $0) }
        self.extra = extra.compactMap { GlobPattern(line: $0) }
        self.readsGitignore = readsGitignore
    }

    func isIgnored(absolutePath: String, isDirectory: Bool) -> Bool {
        guard absolutePath.hasPrefix(root + "/") else { return false }
        return isIgnored(relativePath: String(absolutePath.dropFirst(root.count + 1)), isDirectory: isDirectory)
    }

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

    func isIgnoredEntry(absolutePath: String, isDirectory: Bool) -> Bool {
        guard absolutePath.hasPrefix(root + "/") else { return false }
        let relativePath = absolutePath.dropFirst(root.count + 1)
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return false }
        return ignoredHere(components.joined(separator: "/"), isDirectory: isDirectory, components: components[...])
    }

    func gitignoreChanged() {
        gitignores.withLock { $0.removeAll() }
    }

    private func ignoredHere(_ path: String, isDirectory: Bool, components: ArraySlice<Substring>) -> Bool {
        var ignored = false
        for pattern in builtIn where pattern.matches(relativePath: path, isDirectory: isDirectory) {
            ignored = !pattern.negated
        }
        // Each .gitignore from the scope's root down to the path's folder, deeper ones last (they win).
        for depth in 0..<components.count where readsGitignore {
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
        String(decoding: SmallFile.bytes(atPath: path, upTo: 1 << 20) ?? [], as: UTF8.self)
    }
}

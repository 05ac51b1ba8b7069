#if canImport(Glibc)
    import Glibc
#endif
// Under MemberImportVisibility the compiler may attribute glibc's `stat` and `timespec` to
// NIO's C module, which includes the same headers, depending on how the files are batched.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

/// A digest of every file under ROOT as pages last saw it, so that after a build only the
/// files whose **bytes** changed are announced: hugo rewrites every page on each run, and a
/// stylesheet edit must still be an `update`, not a reload of everything it touched.
///
/// Taken whole once before the first build, then kept current for the paths each build
/// touched (or whole again when the build replaced ROOT). A 64-bit hash per file; nothing
/// is kept of the contents.
struct OutputDigests: Sendable {
    struct Digest: Sendable, Equatable {
        let size: Int
        let hash: UInt64
    }

    /// What a build changed, by absolute path.
    struct Difference: Sendable, Equatable {
        var changed: [String] = []
        var deleted: [String] = []
    }

    let root: String
    private(set) var digests: [String: Digest] = [:]
    let isIgnored: @Sendable (String, Bool) -> Bool

    /// Digests every file under `root` now (none while it is missing).
    init(root: String, isIgnored: @escaping @Sendable (String, Bool) -> Bool) {
        self.root = root
        self.isIgnored = isIgnored
        digests = Self.walk(root, isIgnored: isIgnored)
    }

    /// Compares the `touched` paths (absolute, under ROOT; folders included) with their last
    /// digests and records the new ones. A touched folder compares every file below it.
    mutating func update(touched: some Sequence<String>) -> Difference {
        var difference = Difference()
        for path in Set(touched) where path.hasPrefix(root + "/") {
            var info = stat()
            if lstat(path, &info) != 0 {
                let gone = digests.keys.filter { $0 == path || $0.hasPrefix(path + "/") }
                for old in gone { digests[old] = nil }
                difference.deleted.append(contentsOf: gone)
            } else if info.st_mode & S_IFMT == S_IFDIR {
                let now = Self.walk(path, isIgnored: isIgnored)
                let before = digests.filter { $0.key.hasPrefix(path + "/") }
                merge(now: now, before: before, into: &difference)
            } else if let digest = Self.digest(path) {
                if digests[path] != digest { difference.changed.append(path) }
                digests[path] = digest
            }
        }
        difference.changed.sort()
        difference.deleted = Array(Set(difference.deleted)).sorted()
        return difference
    }

    /// Compares the whole of ROOT: after a build that deleted and re-created it.
    mutating func rescan() -> Difference {
        var difference = Difference()
        merge(now: Self.walk(root, isIgnored: isIgnored), before: digests, into: &difference)
        difference.changed.sort()
        difference.deleted.sort()
        return difference
    }

    private mutating func merge(now: [String: Digest], before: [String: Digest], into difference: inout Difference) {
        for (path, digest) in now where before[path] != digest {
            difference.changed.append(path)
        }
        for path in before.keys where now[path] == nil {
            difference.deleted.append(path)
            digests[path] = nil
        }
        digests.merge(now) { $1 }
    }

    /// Every file under `folder` (the polling watcher's walk), digested.
    private static func walk(_ folder: String, isIgnored: (String, Bool) -> Bool) -> [String: Digest] {
        var found: [String: Digest] = [:]
        for (path, entry) in DirectorySnapshot(roots: [folder], isIgnored: isIgnored).entries where !entry.isDirectory {
            found[path] = digest(path)
        }
        return found
    }

    /// The file's size and hash; nil when it cannot be read (a symlink counts by its target).
    static func digest(_ path: String) -> Digest? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var hasher = ContentHash()
        var size = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress!, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            hasher.combine(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += n
        }
        return Digest(size: size, hash: hasher.value)
    }
}

/// FNV-1a over 64-bit words (and the tail's bytes): fast enough to digest a site per build,
/// and only ever compared with itself.
struct ContentHash: Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let words = bytes.count / 8
        for _ in 0..<words {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            value = (value ^ word) &* Self.prime
            value ^= value >> 29
            index += 8
        }
        while index < bytes.count {
            value = (value ^ UInt64(bytes[index])) &* Self.prime
            index += 1
        }
    }
}

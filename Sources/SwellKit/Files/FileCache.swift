import NIOCore
import Synchronization

/// The bytes of files served recently, reused while the file is provably unchanged.
///
/// A hit costs one `fstatat` instead of open, fstat, read and close, and the body goes out
/// as one buffer that every response shares. A hit requires the file's `FileStamp` (device,
/// inode, size, nanosecond mtime and ctime) to equal the one read from the descriptor the
/// bytes came from, and entries are only stored from a descriptor that `RootDirectory`
/// opened beneath ROOT. On top of that, every change the watcher reports, and ROOT coming
/// back, empties the cache (`invalidateAll`): a rewrite of the same size within one tick of a
/// coarse file-system clock is not served from here once its event has arrived, and the
/// reload that event triggers always sees the new bytes.
final class FileCache: Sendable {
    /// Files above this size are streamed from disk each time.
    let maxFileSize: Int
    /// The most bytes held at once; the least recently used files go first.
    let capacity: Int

    /// A cached file: its bytes and where the live-reload script goes in them (HTML only).
    struct Entry: Sendable {
        let stamp: FileStamp
        let bytes: ByteBuffer
        let injectionOffset: Int?
        /// The stamp's header values, formatted once.
        let validators: FileValidators
        /// `Content-Type`, from the file's extension.
        let contentType: String
        fileprivate var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var total = 0
        var clock: UInt64 = 0
        /// Bumped by `invalidateAll`: a fill that began before it must not store what it read.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    init(maxFileSize: Int = 4 << 20, capacity: Int = 64 << 20) {
        self.maxFileSize = maxFileSize
        self.capacity = capacity
    }

    /// The entry for `path` if `currentStamp()` (called only when there is one) still matches it.
    func lookup(_ path: String, currentStamp: () -> FileStamp?) -> Entry? {
        guard let stamp = state.withLock({ $0.entries[path]?.stamp }) else { return nil }
        let now = currentStamp()
        return state.withLock { state in
            guard var entry = state.entries[path], entry.stamp == stamp else { return nil }
            guard now == stamp else {
                state.entries[path] = nil
                state.total -= entry.bytes.readableBytes
                return nil
            }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[path] = entry
            return entry
        }
    }

    /// Taken before reading a file to store it; `store` refuses the bytes if the cache was emptied since.
    var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Whether a file of `size` bytes would be kept.
    func accepts(size: Int) -> Bool {
        size <= maxFileSize && size <= capacity
    }

    /// Keeps the whole content of `file`, read since `generation`, if the descriptor shows no change since it was opened.
    func store(_ path: String, file: OpenFile, bytes: ByteBuffer, generation: UInt64) {
        guard bytes.readableBytes == file.size, accepts(size: file.size), file.currentStamp() == file.stamp else { return }
        // Where the script would go, for HTML only: a hit then needs no scan either.
        let contentType = ContentTypes.forExtension(FileExtension.of(path))
        let offset = ContentTypes.isHTML(contentType) ? InjectionPlan.sizedOffset(in: bytes.readableBytesView) : nil
        let validators = FileValidators(stamp: file.stamp)
        state.withLock { state in
            guard state.generation == generation else { return }
            if let old = state.entries[path] { state.total -= old.bytes.readableBytes }
            state.clock += 1
            state.entries[path] = Entry(
                stamp: file.stamp,
                bytes: bytes,
                injectionOffset: offset,
                validators: validators,
                contentType: contentType,
                lastUse: state.clock
            )
            state.total += bytes.readableBytes
            if state.total > capacity { Self.evict(&state, toFit: capacity / 2) }
        }
    }

    /// Forgets everything: something under ROOT changed, or ROOT itself did.
    func invalidateAll() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
            state.total = 0
        }
    }

    /// How many files and bytes are held (for `/__swell/status`).
    var usage: (files: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.total) }
    }

    /// Drops the least recently used entries down to `limit` bytes in one pass, so that a
    /// full cache does not sort on every store.
    private static func evict(_ state: inout State, toFit limit: Int) {
        for (path, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            if state.total <= limit { break }
            state.entries[path] = nil
            state.total -= entry.bytes.readableBytes
        }
    }
}

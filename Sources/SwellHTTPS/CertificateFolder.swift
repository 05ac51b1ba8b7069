#if canImport(Glibc)
    import Glibc
#endif

/// `$XDG_DATA_HOME/swell` (default `~/.local/share/swell`, mode 0700): where Swell's CA and the
/// served certificate live, with their keys (0600), and the lock that makes two first starts
/// make one CA. Under `sudo` it is the invoking user's folder (`SUDO_USER`), and what Swell
/// writes there is theirs.
package struct CertificateFolder: Sendable {
    let path: String
    /// The user whose folder it is, when running as root for someone else (`sudo`).
    let owner: (uid: uid_t, gid: gid_t)?

    /// The folder for the user running Swell, or the one who ran `sudo swell`.
    package static func forCurrentUser(environment: [String: String] = CertificateFolder.environment()) -> CertificateFolder {
        if geteuid() == 0, let name = environment["SUDO_USER"], name != "root", let user = getpwnam(name) {
            let home = String(cString: user.pointee.pw_dir)
            return CertificateFolder(path: home + "/.local/share/swell", owner: (user.pointee.pw_uid, user.pointee.pw_gid))
        }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return CertificateFolder(path: data + "/swell", owner: nil)
        }
        var home = environment["HOME"] ?? ""
        if home.isEmpty, let user = getpwuid(geteuid()) { home = String(cString: user.pointee.pw_dir) }
        return CertificateFolder(path: home + "/.local/share/swell", owner: nil)
    }

    static func environment() -> [String: String] {
        var values: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { values[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            cursor += 1
        }
        return values
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Makes the folder (and its parents) if missing, and refuses one others can read.
    func prepare() throws(CertificateError) {
        var parents: [String] = []
        var cursor = path
        while !cursor.isEmpty, access(cursor, F_OK) != 0 {
            parents.append(cursor)
            cursor = String(cursor[..<(cursor.lastIndex(of: "/") ?? cursor.startIndex)])
        }
        for folder in parents.reversed() {
            // Swell's own folder is 0700 whatever the umask; parents such as `~/.local/share` get the usual 0755.
            let mode: mode_t = folder == path ? 0o700 : 0o755
            guard mkdir(folder, mode) == 0 || errno == EEXIST else { throw .cannotWrite(folder, reason: Self.reason()) }
            if folder == path { chmod(folder, 0o700) }
            if let owner { chown(folder, owner.uid, owner.gid) }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .cannotWrite(path, reason: "not a folder") }
        if info.st_mode & 0o077 != 0 { throw .tooOpen(path, mode: "700") }
    }

    /// Runs `body` holding the folder's lock, so a second Swell starting at the same moment
    /// waits and then finds what the first one made.
    func withLock<T>(_ body: () throws(CertificateError) -> T) throws(CertificateError) -> T {
        let lockPath = file(".lock")
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotWrite(lockPath, reason: Self.reason()) }
        if let owner { fchown(descriptor, owner.uid, owner.gid) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw .cannotWrite(lockPath, reason: Self.reason()) }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// The file's text, or nil when it does not exist. A key (`secret`) that others can read
    /// is refused with the `chmod` that fixes it.
    func read(_ name: String, secret: Bool = false) throws(CertificateError) -> String? {
        try Self.read(path: file(name), secret: secret)
    }

    /// The text of the file at `full`, or nil when it does not exist; `secret` as for `read(_:secret:)`.
    static func read(path full: String, secret: Bool = false) throws(CertificateError) -> String? {
        let descriptor = open(full, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .unreadable(full, reason: Self.reason())
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(full, reason: Self.reason()) }
        if secret && info.st_mode & 0o077 != 0 { throw .tooOpen(full, mode: "600") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(full, reason: Self.reason()) }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to a new file: created exclusively (a key is never written over one that
    /// appeared meanwhile) with `mode`, or, with `replacing`, through a temporary file renamed
    /// over the old one.
    func write(_ name: String, _ text: String, mode: mode_t, replacing: Bool = false) throws(CertificateError) {
        let target = file(name)
        let written = replacing ? file(".\(name).\(getpid()).tmp") : target
        if replacing { unlink(written) }
        let descriptor = open(written, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .cannotWrite(written, reason: Self.reason()) }
        var ok = fchmod(descriptor, mode) == 0
        if let owner { ok = ok && fchown(descriptor, owner.uid, owner.gid) == 0 }
        let bytes = Array(text.utf8)
        var offset = 0
        while ok && offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            ok = count > 0
            offset += max(count, 0)
        }
        ok = ok && fsync(descriptor) == 0
        close(descriptor)
        guard ok else {
            let reason = Self.reason()
            unlink(written)
            throw .cannotWrite(written, reason: reason)
        }
        if replacing && rename(written, target) != 0 {
            let reason = Self.reason()
            unlink(written)
            throw .cannotWrite(target, reason: reason)
        }
    }

    static func reason() -> String { String(cString: strerror(errno)) }
}

#if canImport(Glibc)
    import Glibc
#endif

/// Gives back the pages of `swell`'s own code and read-only data that start-up touched.
///
/// Most of an idle server's resident memory is not its own data (about 3 MiB) but clean pages
/// of the binary: start-up runs code that never runs again (option parsing, the Swift
/// runtime's conformance scan over every linked library), and each fault maps its neighbours
/// too. Once the socket accepts connections, `MADV_DONTNEED` drops those pages from the
/// process; they stay in the page cache, and the code a request runs faults back in from it.
///
/// Only mappings of the executable that are read-only or executable, and hold no anonymous
/// page, are dropped: a page written during relocation (RELRO) is a private copy, which would
/// come back as the file's unrelocated bytes, so a mapping with any is left alone. (Dirty is
/// not the test: a binary just linked is dirty in the page cache until written back.)
/// Nothing is dropped if `/proc/self/smaps` cannot be read.
enum StartupPages {
    static func release() {
        var pathBuffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &pathBuffer, pathBuffer.count - 1)
        guard length > 0 else { return }
        let executable = String(decoding: pathBuffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let smaps = fopen("/proc/self/smaps", "r") else { return }
        defer { fclose(smaps) }
        var candidates: [(start: UInt, end: UInt, copied: Bool)] = []
        // Whether the field lines being read belong to the last candidate's mapping.
        var inCandidate = false
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, smaps) > 0, let line {
            let text = String(cString: line)
            if !text.prefix(while: { $0 != " " }).hasSuffix(":") {
                // A mapping's header: every field line starts with `Name:`.
                let mapping = Self.mapping(text, executable: executable)
                if let mapping { candidates.append((mapping.start, mapping.end, false)) }
                inCandidate = mapping != nil
            } else if inCandidate, text.hasPrefix("Anonymous:"), !text.contains(" 0 kB") {
                candidates[candidates.count - 1].copied = true
            }
        }
        free(line)
        for candidate in candidates where !candidate.copied {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: candidate.start), Int(candidate.end - candidate.start), MADV_DONTNEED)
        }
    }

    /// The range of a mapping header line (`start-end perms offset dev inode path`) when it
    /// maps `executable` read-only (`r--p`) or as code (`r-xp`).
    static func mapping(_ line: String, executable: String) -> (start: UInt, end: UInt)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 6, fields[1] == "r--p" || fields[1] == "r-xp",
            fields[5...].joined(separator: " ").dropLast(text: "\n") == executable
        else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16) else { return nil }
        return (start, end)
    }
}

extension String {
    /// Without a trailing `suffix`, as a line from `getline` ends.
    fileprivate func dropLast(text suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}

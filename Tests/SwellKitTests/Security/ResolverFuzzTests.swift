import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Property-based fuzzing of the request-path resolver: the piece between the raw request
/// target and the opened descriptor (`RequestPath.parse`, then `RootDirectory.open` for the
/// exact path and its clean-URL form). Targets are built from the tokens that attacks are
/// made of, mutated with random bytes, against a tree full of traps: symlinks out of ROOT
/// (relative, absolute, to `/etc`, to ROOT's parent), symlink loops, dotfiles, and a sibling
/// folder whose name shares ROOT's prefix.
///
/// Properties, for every input: nothing crashes; a parsed path has no empty, `.` or `..`
/// segment and no hidden one (but `.well-known` first); and whatever is opened, the
/// descriptor's real path is ROOT or below it.
///
/// It runs for `SWELL_FUZZ_SECONDS` (default 3, split between the openat2 and the
/// component-walk resolvers) from `SWELL_FUZZ_SEED` (default: random, printed), so a failure
/// can be replayed. `Scripts/fuzz 600` runs it for ten minutes.
@Suite struct ResolverFuzzTests {
    static let tokens = [
        "/", "/", "/", "//", "\\", ".", "..", "..", "...", "%2e", "%2E", "%2e%2e", "%2f", "%2F", "%5c", "%5C", "%00", "%25", "%252e",
        "%252f", "%c0%ae", "%c0%af", "%e0%80%ae", "%ff", "%", "%g", "%2", "#", "?", "&", ";", "~", " ", "%20", "%0a", "\t", "é", "%c3%a9",
        "%d8%85", "%cc%81", "\u{605}", "\u{301}", "%e2%80%8d", "%ef%bc%8f", "%e2%88%95",
        "a", "b.html", "index.html", "index", "out", "outdir", "abs", "etc", "passwd", "inlink", "absin", "loop", ".env", ".git",
        "config", ".well-known", "sentinel.txt", "rootsibling", "secret.txt", "root", "x", "x.html", "*", "@", ":", "..;", "....//",
    ]

    /// SplitMix64: tiny, seedable, good enough to spread inputs.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        mutating func target() -> String {
            var text = below(20) == 0 ? "" : "/"
            for _ in 0..<(1 + below(12)) {
                switch below(10) {
                case 0: text += "%" + String(format: "%02X", below(256))
                case 1: text.unicodeScalars.append(Unicode.Scalar(UInt8(32 + below(95))))
                default: text += ResolverFuzzTests.tokens[below(ResolverFuzzTests.tokens.count)]
                }
            }
            return text
        }
    }

    static func trapSite() throws -> TemporarySite {
        let site = try TemporarySite([
            "index.html": "home", "a/b.html": "b", "a/index.html": "a", "x.html": "x", ".env": "SECRET", ".git/config": "SECRET",
            ".well-known/x": "wk", "a/.env": "SECRET",
        ])
        try site.symlink("inlink", to: "a")
        try site.symlink("absin", to: site.root.appendingPathComponent("a").path)
        try site.symlink("out", to: "..")
        try site.symlink("outdir", to: site.container.path)
        try site.symlink("abs", to: "/etc")
        try site.symlink("a/passwd", to: "/etc/passwd")
        try site.symlink("a/sentinel.txt", to: "../../sentinel.txt")
        try site.symlink("loop", to: "loop")
        try site.symlink("root", to: ".")
        return site
    }

    static func realPath(of descriptor: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var budget: Double { Double(ProcessInfo.processInfo.environment["SWELL_FUZZ_SECONDS"] ?? "") ?? 3 }

    @Test func noRequestTargetOpensAnythingOutsideRoot() throws {
        let site = try Self.trapSite()
        let rootReal = try #require(
            realpath(site.root.path, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            }
        )
        let seed = UInt64(ProcessInfo.processInfo.environment["SWELL_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        var generator = Generator(state: seed)
        var inputs = 0
        var parsed = 0
        var opened = 0
        let started = Date()
        for walk in [false, true] {
            let root = try RootDirectory(path: site.root.path, forceComponentWalk: walk)
            let deadline = Date().addingTimeInterval(Self.budget / 2)
            while Date() < deadline {
                for _ in 0..<200 {
                    let target = generator.target()
                    inputs += 1
                    guard let path = try? RequestPath.parse(target) else { continue }
                    parsed += 1
                    for (index, segment) in path.segments.enumerated() {
                        // Bytes, not Characters: a grapheme cluster can hide a "/" or a leading ".".
                        let bytes = Array(segment.utf8)
                        #expect(
                            !bytes.isEmpty && bytes != [46] && bytes != [46, 46] && !bytes.contains(47),
                            "\(target.debugDescription) seed \(seed)"
                        )
                        #expect(bytes.first != 46 || (index == 0 && segment == ".well-known"), "\(target.debugDescription) seed \(seed)")
                    }
                    for candidate in [path.relativePath, path.appendingToLastSegment(".html")?.relativePath].compactMap({ $0 }) {
                        guard case .success(let file) = root.open(candidate) else { continue }
                        opened += 1
                        let real = Self.realPath(of: file.descriptor) ?? "?"
                        #expect(real == rootReal || real.hasPrefix(rootReal + "/"), "\(target.debugDescription) opened \(real) (seed \(seed))")
                    }
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("resolver fuzz: \(inputs) inputs (\(parsed) parsed, \(opened) opened) in \(String(format: "%.1f", seconds)) s, seed \(seed)")
        #expect(inputs > 1000)
        #expect(opened > 0)
    }
}

/// Every long option Swell takes, once: the command line and `swell.toml` both read this
/// table, so a new option (`exec`, `proxy`, `https`) joins both by adding one entry here
/// and its flag in `SwellCommand`.
struct OptionSpec: Sendable {
    /// What values the option takes.
    enum Kind: Sendable, Equatable {
        case bool
        case int
        case number
        case string
        case strings
        /// Milliseconds, or `"auto"` (`--wait`).
        case millisecondsOrAuto
        /// Milliseconds, or `true` for the default interval, or `false` for off (`--poll [MS]`).
        case millisecondsOrFlag(default: Int)
        /// `true`, `false`, or a URL path (`--open`, `--open=PATH`).
        case flagOrPath
    }

    /// The long name without `--`, and the key in `swell.toml`.
    let key: String
    let kind: Kind
    /// What `--print-config` shows, commented out, when nothing set it; nil: unset by default.
    let defaultValue: OptionValue?
    /// A path, which in the file is relative to the file.
    let isPath: Bool
    /// Set by the file, it changes who can reach the server or what it runs: the banner says so.
    let warnsWhenFileSetsIt: Bool

    init(_ key: String, _ kind: Kind, default defaultValue: OptionValue?, isPath: Bool = false, warns: Bool = false) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.isPath = isPath
        self.warnsWhenFileSetsIt = warns
    }

    /// What the option takes, for error messages.
    var expected: String {
        switch kind {
        case .bool: "true or false"
        case .int: "an integer"
        case .number: "a number"
        case .string: "a string"
        case .strings: "a list of strings (a single string is taken as a list of one)"
        case .millisecondsOrAuto: "milliseconds (an integer) or \"auto\""
        case .millisecondsOrFlag: "milliseconds (an integer), true or false"
        case .flagOrPath: "true, false or a URL path such as \"/docs/\""
        }
    }
}

enum OptionRegistry {
    static let all: [OptionSpec] = [
        OptionSpec("root", .string, default: .string("."), isPath: true),
        OptionSpec("port", .int, default: .int(5000)),
        OptionSpec("host", .string, default: .string("127.0.0.1"), warns: true),
        OptionSpec("reload", .bool, default: .bool(true)),
        OptionSpec("wait", .millisecondsOrAuto, default: .string("auto")),
        OptionSpec("ignore", .strings, default: .strings([])),
        OptionSpec("watch", .strings, default: .strings([]), isPath: true),
        OptionSpec("poll", .millisecondsOrFlag(default: 500), default: .bool(false)),
        OptionSpec("spa", .bool, default: .bool(false)),
        OptionSpec("open", .flagOrPath, default: .bool(false)),
        OptionSpec("cors", .bool, default: .bool(false), warns: true),
        OptionSpec("allow-host", .strings, default: .strings([]), warns: true),
        OptionSpec("header", .strings, default: .strings([])),
        OptionSpec("exec", .string, default: nil, warns: true),
        OptionSpec("source", .strings, default: .strings([]), isPath: true),
        OptionSpec("exec-timeout", .number, default: nil),
        OptionSpec("proxy", .strings, default: .strings([]), warns: true),
        OptionSpec("proxy-delay", .int, default: .int(0)),
        OptionSpec("proxy-timeout", .number, default: .number(120)),
        OptionSpec("proxy-insecure", .bool, default: .bool(false), warns: true),
        OptionSpec("https", .bool, default: .bool(false)),
        OptionSpec("cert", .string, default: nil, isPath: true),
        OptionSpec("key", .string, default: nil, isPath: true),
        OptionSpec("stream-interval", .number, default: .number(1)),
        OptionSpec("stream", .bool, default: .bool(true)),
        OptionSpec("quiet", .bool, default: .bool(false)),
        OptionSpec("verbose", .bool, default: .bool(false)),
    ]

    static func spec(_ key: String) -> OptionSpec? {
        all.first { $0.key == key }
    }

    /// The known key nearest to a mistyped one, for "did you mean".
    static func suggestion(for key: String) -> String? {
        let scored = all.map { ($0.key, editDistance($0.key, key)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
        return best
    }

    /// Edits between two keys, a swap of neighbours counting as one (`prot` is one from `port`).
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

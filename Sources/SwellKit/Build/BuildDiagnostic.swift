/// One error or warning a build printed that names a file of the project, as the overlay shows it.
public struct BuildDiagnostic: Sendable, Equatable {
    /// Relative to the project folder, `/`-separated.
    public var file: String
    /// From 1.
    public var line: Int
    /// From 1, when the tool gave one.
    public var column: Int?
    /// The rest of the line: what the tool said.
    public var message: String
    /// The file's lines around `line`, shown under the diagnostic; nil shows none.
    public var excerpt: SourceExcerpt?

    /// A diagnostic for `file` (relative to the project folder) at `line` and `column`.
    public init(file: String, line: Int, column: Int? = nil, message: String, excerpt: SourceExcerpt? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.excerpt = excerpt
    }

    var json: String {
        "{\"file\":" + JSONText.string(file) + ",\"line\":\(line)" + (column.map { ",\"column\":\($0)" } ?? "")
            + ",\"message\":" + JSONText.string(message) + (excerpt.map { ",\"excerpt\":" + $0.json } ?? "") + "}"
    }

    /// At most this many are kept: the first errors are the ones that matter.
    static let limit = 50
    /// The first this many get an excerpt of their file.
    static let excerptLimit = 5

    /// `diagnostics` with the first `excerptLimit` given the lines around them; `read` gives a
    /// file's text by its relative path, and is asked once per file.
    static func withExcerpts(_ diagnostics: [BuildDiagnostic], read: (String) -> String?) -> [BuildDiagnostic] {
        var texts: [String: String?] = [:]
        var shown = diagnostics
        for index in shown.indices.prefix(excerptLimit) {
            let file = shown[index].file
            let text = texts[file] ?? read(file)
            texts[file] = .some(text)
            shown[index].excerpt = text.flatMap { SourceExcerpt.around(line: shown[index].line, in: $0) }
        }
        return shown
    }

    /// The diagnostics in a build's output whose file is inside `projectFolder` and exists
    /// (`exists` is asked with the absolute path), made relative to it. Three forms:
    /// `PATH:LINE[:COL]: message` at the start of a line (swiftc, clang, gcc, many tools),
    /// `"PATH:LINE:COL": message` anywhere in a line (hugo), and Python's
    /// `File "PATH", line N`, whose message is the traceback's last line.
    static func parse(_ output: String, projectFolder: String, exists: (String) -> Bool) -> [BuildDiagnostic] {
        var found: [BuildDiagnostic] = []
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where found.count < limit {
            guard let (path, number, column, message) = located(line) ?? quoted(line) ?? python(line, after: lines[(index + 1)...]),
                let relative = relativePath(path, in: projectFolder), exists(projectFolder + "/" + relative)
            else { continue }
            let diagnostic = BuildDiagnostic(file: relative, line: number, column: column, message: message)
            if !found.contains(diagnostic) { found.append(diagnostic) }
        }
        return found
    }

    private typealias Located = (path: Substring, line: Int, column: Int?, message: String)

    /// `PATH:LINE[:COL]: message` from the start of the line.
    private static func located(_ line: Substring) -> Located? {
        let text = line.drop { $0 == " " || $0 == "\t" }
        guard let (path, number, column, rest) = position(in: text), rest.first == ":" else { return nil }
        return (path, number, column, rest.dropFirst().trimmingCharacters())
    }

    /// `"PATH:LINE:COL": message`, anywhere.
    private static func quoted(_ line: Substring) -> Located? {
        var search = line[...]
        while let open = search.firstIndex(of: "\"") {
            let inside = line[line.index(after: open)...]
            if let (path, number, column, rest) = position(in: inside), rest.hasPrefix("\":") {
                return (path, number, column, rest.dropFirst(2).trimmingCharacters())
            }
            search = inside
        }
        return nil
    }

    /// `File "PATH", line N`, the message being the first unindented line after it.
    private static func python(_ line: Substring, after rest: ArraySlice<Substring>) -> Located? {
        let text = line.drop { $0 == " " }
        guard text.hasPrefix("File \""), let close = text.dropFirst(6).firstIndex(of: "\"") else { return nil }
        let path = text[text.index(text.startIndex, offsetBy: 6)..<close]
        let tail = text[text.index(after: close)...]
        guard tail.hasPrefix(", line ") else { return nil }
        let digits = tail.dropFirst(7).prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits) else { return nil }
        let message = rest.first { !$0.isEmpty && $0.first != " " && !$0.hasPrefix("Traceback") } ?? ""
        return (path, number, nil, message.trimmingCharacters())
    }

    /// `PATH:LINE[:COL]` at the start of `text`, and what follows it.
    private static func position(in text: Substring) -> (Substring, Int, Int?, Substring)? {
        var cursor = text.startIndex
        while let colon = text[cursor...].firstIndex(of: ":") {
            let path = text[..<colon]
            let afterColon = text.index(after: colon)
            let digits = text[afterColon...].prefix { $0.isASCII && $0.isNumber }
            if !path.isEmpty, !path.contains(" "), let number = Int(digits), number > 0 {
                var rest = text[digits.endIndex...]
                var column: Int?
                if rest.first == ":" {
                    let columnDigits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                    if let value = Int(columnDigits) {
                        column = value
                        rest = rest[columnDigits.endIndex...]
                    }
                }
                return (path, number, column, rest)
            }
            cursor = afterColon
            if path.contains(" ") { return nil }
        }
        return nil
    }

    /// `path` relative to `folder` when it lies inside it (absolute, or relative to it), else nil.
    static func relativePath(_ path: Substring, in folder: String) -> String? {
        let full = path.hasPrefix("/") ? String(path) : folder + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        let normalized = "/" + parts.joined(separator: "/")
        guard normalized.hasPrefix(folder + "/") else { return nil }
        return String(normalized.dropFirst(folder.count + 1))
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// A few lines of a project file around a diagnostic's line, shown under it in the error
/// overlay (hugo's and Vite's overlays show the code too), so that the error can be read where
/// it is before the editor is even open.
public struct SourceExcerpt: Sendable, Equatable {
    /// The number of the first line shown, from 1.
    public var firstLine: Int
    /// The lines, without their line breaks; a long line is cut.
    public var lines: [String]

    /// `lines` of a file, the first of them line `firstLine` (from 1).
    public init(firstLine: Int, lines: [String]) {
        self.firstLine = firstLine
        self.lines = lines
    }

    /// Lines shown before and after the diagnostic's.
    static let radius = 2
    static let maxLineLength = 240
    /// A larger file is not read: a diagnostic in a minified bundle needs no excerpt.
    static let maxFileBytes = 1 << 20

    /// The lines of `text` around `line`; nil when the file has no such line.
    static func around(line: Int, in text: String) -> SourceExcerpt? {
        // "\r\n" is one Character in Swift, not a "\n" one: both end a line.
        let all = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard line >= 1, line <= all.count else { return nil }
        let first = max(1, line - radius)
        let last = min(all.count, line + radius)
        let lines = all[(first - 1)..<last].map { text in
            text.count > maxLineLength ? String(text.prefix(maxLineLength)) + "…" : String(text)
        }
        return SourceExcerpt(firstLine: first, lines: lines)
    }

    /// The text of `relativePath` under `projectFolder`: nil unless it resolves inside the
    /// folder (symbolic links included: a build's output must not show a file from elsewhere),
    /// is a regular file of at most `maxFileBytes`, and holds no NUL byte.
    static func readText(_ relativePath: String, in projectFolder: String) -> String? {
        guard let folder = RealPath.of(projectFolder), let file = RealPath.of(projectFolder + "/" + relativePath),
            file.hasPrefix(folder == "/" ? "/" : folder + "/"),
            let bytes = SmallFile.bytes(atPath: file, upTo: maxFileBytes + 1), bytes.count <= maxFileBytes, !bytes.contains(0)
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    var json: String {
        "{\"first\":\(firstLine),\"lines\":[" + lines.map(JSONText.string).joined(separator: ",") + "]}"
    }
}

import Foundation
import Ink
import Plot
import SwellKit

/// The generator: every `content/NAME.md` becomes `Output/NAME.html`, a page with the front
/// matter's title and the Markdown's HTML. A file is written only when its bytes change, so
/// Swell is told about exactly the pages that differ.
struct Site {
    let folder: URL
    var content: URL { folder.appendingPathComponent("content") }
    var output: URL { folder.appendingPathComponent("Output") }

    /// A Markdown file that cannot be rendered: where, and why.
    struct RenderError: Error {
        let file: String
        let line: Int
        let message: String

        var diagnostic: BuildDiagnostic { BuildDiagnostic(file: file, line: line, message: message) }
        var text: String { "\(file):\(line): error: \(message)" }
    }

    /// The sources and their modification times, to notice a change.
    func stamps() -> [String: Date] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: content.path)) ?? []
        var stamps: [String: Date] = [:]
        for name in names where name.hasSuffix(".md") {
            let attributes = try? FileManager.default.attributesOfItem(atPath: content.appendingPathComponent(name).path)
            stamps[name] = attributes?[.modificationDate] as? Date ?? .distantPast
        }
        return stamps
    }

    /// Renders every page; returns the output files whose bytes changed, or the first error.
    func render() -> Result<[String], RenderError> {
        try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var changed: [String] = []
        for name in stamps().keys.sorted() {
            let source = content.appendingPathComponent(name)
            let text = (try? String(contentsOf: source, encoding: .utf8)) ?? ""
            let page: String
            switch Self.page(from: text, file: "content/" + name) {
            case .success(let html): page = html
            case .failure(let error): return .failure(error)
            }
            let target = output.appendingPathComponent(String(name.dropLast(3)) + ".html")
            if (try? String(contentsOf: target, encoding: .utf8)) != page {
                try? page.write(to: target, atomically: true, encoding: .utf8)
                changed.append(target.path)
            }
        }
        return .success(changed)
    }

    /// `---` / `key: value` lines / `---`, then Markdown.
    static func page(from text: String, file: String) -> Result<String, RenderError> {
        var lines = text.components(separatedBy: "\n")
        var title = "Untitled"
        if lines.first == "---" {
            guard let end = lines.dropFirst().firstIndex(of: "---") else {
                return .failure(RenderError(file: file, line: 1, message: "front matter opened with --- is never closed"))
            }
            for index in 1..<end {
                let line = lines[index]
                guard let colon = line.firstIndex(of: ":"), !line[..<colon].contains(" ") else {
                    return .failure(RenderError(file: file, line: index + 1, message: "front matter line is not `key: value`: \(line)"))
                }
                if line[..<colon] == "title" { title = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
            lines.removeSubrange(0...end)
        }
        let body = MarkdownParser().html(from: lines.joined(separator: "\n"))
        let html = HTML(
            .head(.title(title), .meta(.charset(.utf8))),
            .body(.h1(.text(title)), .raw(body))
        )
        return .success(html.render(indentedBy: .spaces(2)))
    }
}

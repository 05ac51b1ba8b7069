import TOMLKit

#if canImport(Glibc)
    import Glibc
#endif

/// `swell.toml` (or `--config FILE`): long options under their own names, read with TOMLKit.
///
/// TOMLKit reports a position only for syntax errors, so the line of an unknown key or a
/// value of the wrong type comes from a scan of our own over the file's lines.
struct ConfigFile: Sendable {
    /// A problem in the file: exit 64, naming the file, the line and the key.
    struct Problem: Error, CustomStringConvertible {
        let path: String
        let line: Int?
        let message: String
        var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// The file as given (for messages) and as an absolute path.
    let path: String
    let absolutePath: String
    /// Every key the file set, with its value (paths already made absolute) and its line.
    let values: [String: (value: OptionValue, line: Int?)]

    /// `--config FILE` (which must exist), else `swell.toml` in the working directory if there is one.
    static func find(explicit: String?, in workingDirectory: String) throws(Problem) -> ConfigFile? {
        let path = explicit ?? "swell.toml"
        let absolute = Paths.absolute(path, from: workingDirectory)
        guard let text = FileText.read(absolute) else {
            guard explicit != nil else { return nil }
            throw Problem(path: path, line: nil, message: "cannot read the config file; check the path given to --config")
        }
        return try ConfigFile(path: path, absolutePath: absolute, text: text)
    }

    /// Reads `path`; `absolutePath` is its absolute form, whose folder relative paths start from.
    init(path: String, absolutePath: String, text: String) throws(Problem) {
        self.path = path
        self.absolutePath = absolutePath
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw Problem(path: path, line: error.source.begin.line, message: "not valid TOML: \(error.description)")
        } catch {
            throw Problem(path: path, line: nil, message: "not valid TOML: \(error)")
        }
        let lines = Self.keyLines(text)
        let folder = absolutePath.split(separator: "/").dropLast().joined(separator: "/")
        var values: [String: (value: OptionValue, line: Int?)] = [:]
        for key in table.keys {
            let line = lines[key]
            guard let spec = OptionRegistry.spec(key) else {
                let hint = OptionRegistry.suggestion(for: key).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw Problem(path: path, line: line, message: "unknown key \"\(key)\"\(hint); the keys are the long options of swell --help")
            }
            guard let raw = table[key], var value = Self.convert(raw, to: spec.kind) else {
                throw Problem(path: path, line: line, message: "\"\(key)\" must be \(spec.expected)")
            }
            if spec.isPath { value = Self.resolve(value, against: "/" + folder) }
            values[key] = (value, line)
        }
        self.values = values
    }

    /// The value in the form the command line would give, or nil for the wrong type.
    static func convert(_ raw: any TOMLValueConvertible, to kind: OptionSpec.Kind) -> OptionValue? {
        switch kind {
        case .bool:
            return raw.type == .bool ? raw.bool.map(OptionValue.bool) : nil
        case .int:
            return raw.type == .int ? raw.int.map(OptionValue.int) : nil
        case .number:
            if raw.type == .int, let int = raw.int { return .number(Double(int)) }
            return raw.type == .double ? raw.double.map(OptionValue.number) : nil
        case .string:
            return raw.type == .string ? raw.string.map(OptionValue.string) : nil
        case .strings:
            if raw.type == .string, let single = raw.string { return .strings([single]) }
            guard raw.type == .array, let array = raw.array else { return nil }
            var strings: [String] = []
            for element in array {
                guard element.type == .string, let string = element.string else { return nil }
                strings.append(string)
            }
            return .strings(strings)
        case .millisecondsOrAuto:
            if raw.type == .int, let int = raw.int { return .int(int) }
            return raw.type == .string && raw.string == "auto" ? .string("auto") : nil
        case .millisecondsOrFlag:
            if raw.type == .int, let int = raw.int { return .int(int) }
            return raw.type == .bool ? raw.bool.map(OptionValue.bool) : nil
        case .flagOrPath:
            if raw.type == .bool, let bool = raw.bool { return .bool(bool) }
            return raw.type == .string ? raw.string.map(OptionValue.string) : nil
        }
    }

    private static func resolve(_ value: OptionValue, against folder: String) -> OptionValue {
        let absolute = { (path: String) in path.hasPrefix("/") ? path : folder + "/" + path }
        switch value {
        case .string(let path): return .string(absolute(path))
        case .strings(let paths): return .strings(paths.map(absolute))
        default: return value
        }
    }

    /// The line (from 1) where each top-level key is first set.
    static func keyLines(_ text: String) -> [String: Int] {
        var lines: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let first = trimmed.first, first != "#", first != "[", let equals = trimmed.firstIndex(of: "=") else { continue }
            var key = String(trimmed[..<equals])
            while key.last == " " || key.last == "\t" { key.removeLast() }
            if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
                key = String(key.dropFirst().dropLast())
            }
            if lines[key] == nil { lines[key] = index + 1 }
        }
        return lines
    }
}

/// A whole small file as text, without Foundation.
enum FileText {
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
            if bytes.count > 1 << 20 { return nil }  // a config file is small; this is not one
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `<instance>.<seq>`: the instance tells a reconnecting client whether the server restarted.
struct EventID: Sendable, Equatable, CustomStringConvertible {
    let instance: String
    let sequence: Int

    init(instance: String, sequence: Int) {
        self.instance = instance
        self.sequence = sequence
    }

    /// Parses a `Last-Event-ID` header; nil for anything malformed.
    init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard let dot = trimmed.lastIndex(of: "."), let sequence = Int(trimmed[trimmed.index(after: dot)...]), sequence >= 0 else {
            return nil
        }
        let instance = trimmed[..<dot]
        guard !instance.isEmpty else { return nil }
        self.instance = String(instance)
        self.sequence = sequence
    }

    var description: String { "\(instance).\(sequence)" }
}

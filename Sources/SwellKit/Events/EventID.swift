/// `<instance>.<seq>`: the instance tells a reconnecting client whether the server restarted.
public struct EventID: Sendable, Equatable, CustomStringConvertible {
    public let instance: String
    public let sequence: Int

    public init(instance: String, sequence: Int) {
        self.instance = instance
        self.sequence = sequence
    }

    /// Parses a `Last-Event-ID` header; nil for anything malformed.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard let dot = trimmed.lastIndex(of: "."), let sequence = Int(trimmed[trimmed.index(after: dot)...]), sequence >= 0 else {
            return nil
        }
        let instance = trimmed[..<dot]
        guard !instance.isEmpty else { return nil }
        self.instance = String(instance)
        self.sequence = sequence
    }

    public var description: String { "\(instance).\(sequence)" }
}

/// Bytes of the `text/event-stream` format: LF line ends, one `data:` line per payload line.
enum SSEEncoder {
    static func retry(milliseconds: Int) -> String {
        "retry: \(milliseconds)\n\n"
    }

    /// One event: `id:` (when given), `event:`, and a `data:` line per line of `data`.
    static func event(id: String?, name: String, data: String) -> String {
        var text = ""
        if let id { text += "id: \(id)\n" }
        text += "event: \(name)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    static let ping = ": ping\n\n"
}

/// Bytes of the `text/event-stream` format: LF line ends, one `data:` line per payload line.
public enum SSEEncoder {
    public static func retry(milliseconds: Int) -> String {
        "retry: \(milliseconds)\n\n"
    }

    public static func event(_ event: LiveEvent) -> String {
        var text = ""
        if let id = event.id { text += "id: \(id)\n" }
        text += "event: \(event.name.rawValue)\n"
        for line in event.data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    public static let ping = ": ping\n\n"
}

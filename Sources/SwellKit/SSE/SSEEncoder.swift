/// Bytes of the `text/event-stream` format: LF line ends, one `data:` line per payload line.
public enum SSEEncoder {
    public static func retry(milliseconds: Int) -> String {
        "retry: \(milliseconds)\n\n"
    }

    public static func event(_ event: LiveEvent) -> String {
        Self.event(id: event.id, name: event.name, data: event.data)
    }

    static func event(id: EventID?, name: LiveEvent.Name, data: String) -> String {
        var text = ""
        if let id { text += "id: \(id)\n" }
        text += "event: \(name.rawValue)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    public static let ping = ": ping\n\n"
}

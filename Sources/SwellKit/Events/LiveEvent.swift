import NIOCore

/// One message on the live-reload channel.
public struct LiveEvent: Sendable, Equatable {
    public enum Name: String, Sendable {
        case hello, reload, update
    }

    /// nil for `hello`, which must not move the browser's last event id.
    public let id: EventID?
    public let name: Name
    /// The JSON payload, on one line.
    public let data: String

    /// The event as `text/event-stream` bytes: encoded once, and the same storage is written
    /// to every client (10,000 streams share one buffer instead of encoding 10,000 times).
    public let wire: ByteBuffer

    public init(id: EventID?, name: Name, data: String) {
        self.id = id
        self.name = name
        self.data = data
        wire = ByteBuffer(string: SSEEncoder.event(id: id, name: name, data: data))
    }

    /// The event for a reconciled batch: `{"paths":[…]}` and, for `--watch` folders, `"files"`.
    public static func change(_ change: ChangeSet, id: EventID) -> LiveEvent {
        var json = "{\"paths\":" + JSONText.array(change.paths)
        if !change.files.isEmpty { json += ",\"files\":" + JSONText.array(change.files) }
        json += "}"
        return LiveEvent(id: id, name: change.isUpdate ? .update : .reload, data: json)
    }

    /// A reload that stands for events a client missed.
    public static func catchUp(id: EventID) -> LiveEvent {
        LiveEvent(id: id, name: .reload, data: "{\"paths\":[]}")
    }
}

/// Just enough JSON writing for strings and arrays of strings.
public enum JSONText {
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public static func array(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }
}

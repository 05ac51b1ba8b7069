import NIOCore

/// One message on the live-reload channel.
struct LiveEvent: Sendable, Equatable {
    enum Name: String, Sendable {
        case hello, reload, update, build
    }

    /// nil for `hello`, which must not move the browser's last event id.
    let id: EventID?
    let name: Name
    /// The JSON payload, on one line.
    let data: String

    /// The event as `text/event-stream` bytes: encoded once, and the same storage is written
    /// to every client (10,000 streams share one buffer instead of encoding 10,000 times).
    let wire: ByteBuffer

    init(id: EventID?, name: Name, data: String) {
        self.id = id
        self.name = name
        self.data = data
        wire = ByteBuffer(string: SSEEncoder.event(id: id?.description, name: name.rawValue, data: data))
    }

    /// The event for a reconciled batch: `{"paths":[…]}` and, for `--watch` folders, `"files"`.
    static func change(_ change: ChangeSet, id: EventID) -> LiveEvent {
        var json = "{\"paths\":" + JSONText.array(change.paths)
        if !change.files.isEmpty { json += ",\"files\":" + JSONText.array(change.files) }
        json += "}"
        return LiveEvent(id: id, name: change.isUpdate ? .update : .reload, data: json)
    }

    /// Where the site's build stands (`--exec`): no id, never replayed.
    static func build(_ status: BuildStatus) -> LiveEvent {
        LiveEvent(id: nil, name: .build, data: status.eventJSON)
    }

    /// A reload that stands for events a client missed.
    static func catchUp(id: EventID) -> LiveEvent {
        LiveEvent(id: id, name: .reload, data: "{\"paths\":[]}")
    }
}

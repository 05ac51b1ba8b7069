/// The body of `/__swell/status`.
public struct StatusReport: Sendable, Equatable {
    public var version: String
    public var root: String
    public var watcher: String
    public var watchCount: Int
    public var watchReady: Bool
    public var clients: Int
    public var lastEventID: String?
    public var uptimeSeconds: Double

    public var json: String {
        """
        {"version":\(JSONText.string(version)),"root":\(JSONText.string(root)),"watcher":\(JSONText.string(watcher)),\
        "watchCount":\(watchCount),"watchReady":\(watchReady),"clients":\(clients),\
        "lastEventId":\(lastEventID.map(JSONText.string) ?? "null"),"uptimeSeconds":\(uptimeSeconds)}
        """
    }
}

/// The body of `/__swell/status`.
public struct StatusReport: Sendable, Equatable {
    public var version: String
    public var root: String
    public var watcher: String
    public var watchCount: Int
    public var watchReady: Bool
    /// Open event streams: one per browser whose tabs share one, one per page otherwise.
    public var clients: Int
    /// Pages those streams serve.
    public var pages: Int
    /// Event streams opened since start, closed ones included.
    public var streamsOpened: Int
    public var lastEventID: String?
    public var uptimeSeconds: Double
    /// The site's build (`--exec`); nil when Swell runs none.
    public var build: BuildReport? = nil

    var json: String {
        """
        {"version":\(JSONText.string(version)),"root":\(JSONText.string(root)),"watcher":\(JSONText.string(watcher)),\
        "watchCount":\(watchCount),"watchReady":\(watchReady),"clients":\(clients),"browsers":\(clients),"pages":\(pages),"streamsOpened":\(streamsOpened),\
        "lastEventId":\(lastEventID.map(JSONText.string) ?? "null"),"uptimeSeconds":\(uptimeSeconds)\(build.map { ",\"build\":" + $0.json } ?? "")}
        """
    }
}

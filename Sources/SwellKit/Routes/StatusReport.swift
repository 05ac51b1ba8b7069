/// The body of `/__swell/status`.
public struct StatusReport: Sendable, Equatable {
    /// Swell's version.
    public var version: String
    /// ROOT, absolute.
    public var root: String
    /// `inotify`, `polling`, or `none` without live reload.
    public var watcher: String
    /// Folders (inotify) or files (polling) watched now.
    public var watchCount: Int
    /// Whether the watch is complete: changes from now on are seen.
    public var watchReady: Bool
    /// Open event streams: one per browser whose tabs share one, one per page otherwise.
    public var clients: Int
    /// Pages those streams serve.
    public var pages: Int
    /// Event streams opened since start, closed ones included.
    public var streamsOpened: Int
    /// The newest event's id (`instance.sequence`), nil before the first.
    public var lastEventID: String?
    /// Whole seconds since the server was made.
    public var uptimeSeconds: Double
    /// The site's build (`--exec`); nil when Swell runs none.
    public var build: BuildReport? = nil
    /// The backends (`--proxy`); nil when Swell forwards nothing.
    public var proxy: [ProxyReport]? = nil

    var json: String {
        """
        {"version":\(JSONText.string(version)),"root":\(JSONText.string(root)),"watcher":\(JSONText.string(watcher)),\
        "watchCount":\(watchCount),"watchReady":\(watchReady),"clients":\(clients),"browsers":\(clients),"pages":\(pages),"streamsOpened":\(streamsOpened),\
        "lastEventId":\(lastEventID.map(JSONText.string) ?? "null"),"uptimeSeconds":\(uptimeSeconds)\(build.map { ",\"build\":" + $0.json } ?? "")\
        \(proxy.map { ",\"proxy\":[" + $0.map(\.json).joined(separator: ",") + "]" } ?? "")}
        """
    }
}

/// Runtime failures. Each description is one line that names the fix.
public enum SwellError: Error, Equatable, CustomStringConvertible {
    case rootMissing(String)
    case rootNotAFolder(String)
    case rootUnreadable(String, reason: String)
    case portBusy(host: String, port: Int)
    case noFreePort(host: String, first: Int, last: Int)
    case cannotBind(host: String, port: Int, reason: String)
    case watchFolderMissing(String)

    /// One line that says what went wrong and what to do about it.
    public var description: String {
        switch self {
        case .rootMissing(let path):
            return "the folder \(path) does not exist; create it or pass another folder: swell PATH"
        case .rootNotAFolder(let path):
            return "\(path) is a file, not a folder; pass the folder that contains it: swell PATH"
        case .rootUnreadable(let path, let reason):
            return "cannot read the folder \(path) (\(reason)); fix its permissions (chmod u+rx) or pass another folder"
        case .portBusy(let host, let port):
            return "port \(port) on \(host) is already in use; pick another with --port N, or --port 0 for any free port"
        case .noFreePort(let host, let first, let last):
            return "ports \(first)–\(last) on \(host) are all in use; pick one with --port N, or --port 0 for any free port"
        case .watchFolderMissing(let path):
            return "the --watch folder \(path) does not exist or is not a folder; create it or drop that --watch"
        case .cannotBind(let host, let port, let reason):
            return "cannot listen on \(host):\(port) (\(reason)); check --host, or pick another port with --port N"
        }
    }
}

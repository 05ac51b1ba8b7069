/// One `--header "Name: value"`: a header the user wants on every page and file (COOP and
/// COEP for `SharedArrayBuffer`, say).
public struct ResponseHeader: Sendable, Equatable {
    /// Why a header cannot be set this way.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The text has no `:` between a name and a value.
        case notNameColonValue(String)
        /// The name is not an HTTP token.
        case invalidName(String)
        /// The header frames the message or belongs to one connection: Swell's own to set.
        case reserved(String)

        /// The message the command line prints, naming the flag.
        public var description: String {
            switch self {
            case .notNameColonValue(let text): "--header \"\(text)\" is not \"Name: value\""
            case .invalidName(let name): "--header name \"\(name)\" is not a valid header name"
            case .reserved(let name):
                "--header \(name) cannot be set: Swell frames every response itself (Content-Length, Transfer-Encoding and the hop-by-hop headers are its own)"
            }
        }
    }

    /// The header's name, as given.
    public let name: String
    /// Its value, without surrounding spaces.
    public let value: String

    /// Names a user may not set: they frame the message or describe one connection.
    static let reservedNames: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "host",
        "content-range", "content-encoding",
    ]

    /// Parses `Name: value` (spaces around the value are dropped).
    public init(parsing text: String) throws(Refusal) {
        guard let colon = text.firstIndex(of: ":") else { throw .notNameColonValue(text) }
        let name = String(text[..<colon]).trimmingWhitespace()
        let value = String(text[text.index(after: colon)...]).trimmingWhitespace()
        try self.init(name: String(name), value: String(value))
    }

    /// A header named `name`; refuses names that are not tokens or that Swell sets itself.
    public init(name: String, value: String) throws(Refusal) {
        let token = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
        guard !name.isEmpty, token else { throw .invalidName(name) }
        let lower = name.lowercased()
        guard !Self.reservedNames.contains(lower), !lower.hasPrefix("proxy-") else { throw .reserved(name) }
        guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else { throw .notNameColonValue(name + ": " + value) }
        self.name = name
        self.value = value
    }
}

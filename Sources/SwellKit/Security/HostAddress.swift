/// Host names and addresses as they appear in `--host` and in `Host` headers.
enum HostAddress {
    /// Whether a bind address only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        return name == "localhost" || name.hasSuffix(".localhost") || name.hasPrefix("127.") || name == "::1" || name == "[::1]"
    }

    /// Whether a bind address listens on every interface (then the LAN URLs are printed).
    static func isWildcard(_ host: String) -> Bool {
        host == "0.0.0.0" || host == "::" || host == "[::]"
    }

    /// The name part of a `Host` header value, lower-cased, without its port: `[::1]:5000` → `[::1]`.
    static func name(fromHostHeader value: String) -> String {
        let lowered = value.lowercased()
        if lowered.hasPrefix("[") {
            guard let close = lowered.firstIndex(of: "]") else { return lowered }
            return String(lowered[...close])
        }
        if let colon = lowered.lastIndex(of: ":") { return String(lowered[..<colon]) }
        return lowered
    }
}

/// How Swell forwards requests to a backend (`--proxy`): whole-site or per prefix.
package struct ProxySettings: Sendable, Equatable {
    /// The backends, each with the path prefix it answers (`/` for the whole site).
    package var upstreams: [ProxyUpstream]
    /// How long a change waits before it is published (`--proxy-delay`), for a backend that
    /// restarts itself on edits and would otherwise be reloaded into mid-restart.
    package var publishDelay: Duration = .zero
    /// How long to wait for the backend's answer head (`--proxy-timeout`).
    package var timeout: Duration = .seconds(120)
    /// Accept any certificate from an `https://` backend (`--proxy-insecure`).
    package var acceptsAnyCertificate: Bool = false

    /// Forwarding to `upstreams`; at most one of them may have the prefix `/`.
    package init(upstreams: [ProxyUpstream]) {
        self.upstreams = upstreams
    }

    /// Whether every request outside `/__swell/` goes to a backend, so that ROOT is watched, never served.
    package var isWholeSite: Bool {
        upstreams.contains { $0.prefix == "/" }
    }

    /// The upstream for a decoded request path: the longest prefix that matches whole segments
    /// (`/api` matches `/api` and `/api/x`, not `/apix`).
    package func upstream(forDecodedPath path: String) -> ProxyUpstream? {
        var best: ProxyUpstream?
        for upstream in upstreams where upstream.matches(decodedPath: path) {
            if upstream.prefix.count > (best?.prefix.count ?? -1) { best = upstream }
        }
        return best
    }
}

/// One backend: where requests under `prefix` go.
package struct ProxyUpstream: Sendable, Equatable {
    /// `/` for the whole site, else a path without a trailing slash, such as `/api`.
    package let prefix: String
    /// `http` or `https`.
    package let scheme: String
    /// The host as written in the URL, IPv6 without brackets.
    package let host: String
    /// The port, explicit or the scheme's default.
    package let port: Int
    /// The URL's path with no trailing slash (usually empty): put before every forwarded target.
    package let basePath: String
    /// The URL as the user wrote it less any user and password: what the terminal and
    /// `/__swell/status` show.
    package let displayURL: String

    /// Parses `URL` or `PREFIX=URL` as `--proxy` takes them; the message names what to write instead.
    package init(parsing argument: String) throws(ProxyArgumentError) {
        var prefix = "/"
        var url = Substring(argument)
        if argument.hasPrefix("/"), let equals = argument.firstIndex(of: "=") {
            prefix = String(argument[..<equals])
            url = argument[argument.index(after: equals)...]
            while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
            if prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) || prefix.contains("?") || prefix.contains("#") {
                throw .init("--proxy \(argument): the prefix must be a plain path such as /api")
            }
            if prefix == "/__swell" || prefix.hasPrefix("/__swell/") {
                throw .init("--proxy \(argument): /__swell/ belongs to Swell; choose another prefix")
            }
        }
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else {
            throw .init("--proxy \(argument): give the backend's URL, such as http://127.0.0.1:8000")
        }
        let scheme: String = url[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw .init("--proxy \(argument): only http:// and https:// backends are supported")
        }
        var rest: Substring = url[url.index(colon, offsetBy: 3)...]
        let pathStart: Substring.Index = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority: Substring = rest[..<pathStart]
        rest = rest[pathStart...]
        var shownAuthority = authority
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
            shownAuthority = authority
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .init("--proxy \(argument): an IPv6 address needs its closing ]") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .init("--proxy \(argument): unexpected text after the address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .init("--proxy \(argument): the URL has no host") }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .init("--proxy \(argument): the port must be a number from 1 to 65535")
            }
            port = value
        }
        if rest.contains("?") || rest.contains("#") {
            throw .init("--proxy \(argument): the backend URL may have a path, not a query or fragment")
        }
        var basePath = String(rest)
        while basePath.hasSuffix("/") { basePath.removeLast() }
        self.prefix = prefix
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.basePath = basePath
        displayURL = scheme + "://" + shownAuthority + basePath
    }

    /// `scheme://host:port`, the origin a `Location` pointing at the backend starts with.
    package var origin: String {
        scheme + "://" + authority
    }

    /// `host:port`, IPv6 in brackets, the port left out when it is the scheme's default.
    package var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
        return isDefault ? bracketed : "\(bracketed):\(port)"
    }

    /// A backend on this machine builds its links from the `Host` it is sent, so it keeps the browser's.
    package var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    package func matches(decodedPath path: String) -> Bool {
        prefix == "/" || path == prefix || path.hasPrefix(prefix + "/")
    }
}

/// A `--proxy` argument that is not a backend URL; `message` says what to write.
package struct ProxyArgumentError: Error, Sendable, Equatable {
    /// One line for the terminal.
    package let message: String

    init(_ message: String) {
        self.message = message
    }
}

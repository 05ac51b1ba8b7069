/// Lets the live-reload client run under a backend's enforced `Content-Security-Policy`, and
/// changes nothing else about the policy.
///
/// For each policy (a header may hold several, comma-separated; the browser enforces them
/// all), the directive that governs each of the client's three loads is found as the browser
/// finds it: `<script src>` by `script-src-elem`, `script-src`, `default-src`; the event stream
/// by `connect-src`, `default-src`; the shared worker by `worker-src`, `child-src`,
/// `script-src`, `default-src`. Where that directive already uses a nonce, a hash or
/// `'strict-dynamic'`, the script gets a fresh nonce (host sources would not be honoured);
/// otherwise a directive that does not already allow the load gets the exact Swell URL. A
/// load governed by a fallback gets its own directive, holding the fallback's sources plus
/// Swell's, so `default-src` is never edited. No keyword is ever added.
package struct ContentSecurityPolicyRewrite: Sendable {
    /// Swell's origin as the page sees it: `http://localhost:3000`.
    package let origin: String
    /// Fresh for each response.
    package let nonce: String

    package init(origin: String, nonce: String) {
        self.origin = origin
        self.nonce = nonce
    }

    var clientURL: String { origin + "/__swell/client.js" }
    var eventsURL: String { origin + "/__swell/events" }
    var workerURL: String { origin + "/__swell/worker.js" }

    /// The rewritten header value, and whether the script tag must carry `nonce`.
    package func rewrite(_ value: String) -> (value: String, needsNonce: Bool) {
        var needsNonce = false
        let policies = value.split(separator: ",", omittingEmptySubsequences: false).map { policy -> String in
            var directives = Directives(String(policy))
            if directives.rewrite(for: self) { needsNonce = true }
            return directives.text
        }
        return (policies.joined(separator: ","), needsNonce)
    }

    /// One policy's directives in order; only the first of each name counts, as in browsers.
    private struct Directives {
        var list: [(name: String, sources: [String])]
        /// Directives appended after the original text.
        private var original: String
        private var edited = false

        init(_ policy: String) {
            original = policy
            list = policy.split(separator: ";").compactMap { part in
                let tokens = part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }).map(String.init)
                guard let name = tokens.first else { return nil }
                return (name.lowercased(), Array(tokens.dropFirst()))
            }
        }

        var text: String {
            guard edited else { return original }
            let leading = original.prefix { $0 == " " }
            return leading + list.map { ([$0.name] + $0.sources).joined(separator: " ") }.joined(separator: "; ")
        }

        func index(of names: [String]) -> Int? {
            for name in names {
                if let found = list.firstIndex(where: { $0.name == name }) { return found }
            }
            return nil
        }

        /// Returns whether the script tag needs the nonce.
        mutating func rewrite(for rule: ContentSecurityPolicyRewrite) -> Bool {
            var needsNonce = false
            if let governing = index(of: ["script-src-elem", "script-src", "default-src"]) {
                let sources = list[governing].sources
                if sources.contains(where: Self.isNonceOrHash) {
                    add("'nonce-\(rule.nonce)'", to: governing, specific: "script-src", dropping: { _ in false })
                    needsNonce = true
                } else if !Self.allows(sources, origin: rule.origin) {
                    add(rule.clientURL, to: governing, specific: "script-src", dropping: { _ in false })
                }
            }
            if let governing = index(of: ["connect-src", "default-src"]), !Self.allows(list[governing].sources, origin: rule.origin) {
                add(rule.eventsURL, to: governing, specific: "connect-src", dropping: { _ in false })
            }
            if let governing = index(of: ["worker-src", "child-src", "script-src", "default-src"]) {
                let sources = list[governing].sources
                // A worker is never allowed by a nonce: it needs a source the worker's URL matches.
                let usable = sources.filter { !Self.isNonceOrHash($0) }
                if !Self.allows(usable, origin: rule.origin) || sources.contains("'strict-dynamic'") {
                    add(rule.workerURL, to: governing, specific: "worker-src", dropping: Self.isNonceOrHash)
                }
            }
            return needsNonce
        }

        /// Adds `source` to directive `at`, or, when that directive is a fallback for `specific`,
        /// writes `specific` with the fallback's sources (less `dropping`) plus `source`.
        private mutating func add(_ source: String, to at: Int, specific: String, dropping: (String) -> Bool) {
            edited = true
            if list[at].name == specific || (specific == "script-src" && list[at].name == "script-src-elem") {
                list[at].sources = Self.withoutLoneNone(list[at].sources) + [source]
            } else {
                list.append((specific, Self.withoutLoneNone(list[at].sources.filter { !dropping($0) }) + [source]))
            }
        }

        /// `'none'` means nothing only when alone; with a source added it must go.
        static func withoutLoneNone(_ sources: [String]) -> [String] {
            sources.filter { $0.lowercased() != "'none'" }
        }

        static func isNonceOrHash(_ source: String) -> Bool {
            let lowered = source.lowercased()
            return lowered.hasPrefix("'nonce-") || lowered.hasPrefix("'sha256-") || lowered.hasPrefix("'sha384-")
                || lowered.hasPrefix("'sha512-") || lowered == "'strict-dynamic'"
        }

        /// Whether a source list already allows a same-origin URL on `origin`: `'self'`, `*`,
        /// the scheme, or the origin itself as a host source.
        static func allows(_ sources: [String], origin: String) -> Bool {
            let scheme = origin.prefix { $0 != ":" }.lowercased()
            let authority = origin.drop { $0 != "/" }.dropFirst(2).lowercased()
            for source in sources {
                let lowered = source.lowercased()
                if lowered == "'self'" || lowered == "*" || lowered == scheme + ":" { return true }
                var host = Substring(lowered)
                if let colon = host.firstIndex(of: ":"), host[colon...].hasPrefix("://") {
                    guard host[..<colon] == scheme else { continue }
                    host = host[host.index(colon, offsetBy: 3)...]
                }
                if host.hasSuffix("/") { host = host.dropLast() }
                if host == authority { return true }
            }
            return false
        }
    }
}

import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// What Swell prints once the socket accepts connections. The Local URL is always the
/// first line that contains `http://`, so tools can take it as the base URL.
struct StartupBanner: Sendable {
    let root: String
    let quiet: Bool
    /// What the config file set, and its warnings.
    var notices: [String] = []
    /// Whole-site `--proxy`: ROOT is watched, not served.
    var watchesOnly = false
    /// HTTPS with Swell's CA: a phone on the LAN can fetch it from `/__swell/ca.pem`.
    var servesAuthority = false

    func print(_ listening: SwellServer.Listening) {
        if let busy = listening.movedFrom, !quiet {
            Console.out("Port \(busy) is in use, so Swell took port \(listening.port) instead.")
        }
        Console.out("  Local:   \(listening.baseURL)")
        guard !quiet else { return }
        if listening.isWildcard {
            for address in HostAddress.interfaceAddresses(includeIPv6: listening.host.contains(":")) {
                Console.out("  Network: \(SwellServer.Listening.url(host: address, port: listening.port, scheme: listening.scheme))")
            }
        }
        if servesAuthority, let address = Self.lanAddress(listening) {
            // Plain http: a phone that does not trust the CA yet could not open the https URL.
            let url = SwellServer.Listening.url(host: address, port: listening.port)
            Console.out("  Phone:   install the CA from \(url)__swell/ca.pem, then open the https URL")
        }
        Console.out(watchesOnly ? "  Watching: \(root)" : "  Serving: \(root)")
        for notice in notices { Console.out(notice) }
        Console.out("  Press Ctrl-C to stop.")
    }

    /// The address a phone reaches this server at: the bind address, or the first interface's.
    static func lanAddress(_ listening: SwellServer.Listening) -> String? {
        if listening.isWildcard { return HostAddress.interfaceAddresses(includeIPv6: false).first }
        return HostAddress.isLoopback(listening.host) ? nil : listening.host
    }
}

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

    func print(_ listening: SwellServer.Listening) {
        if let busy = listening.movedFrom, !quiet {
            Console.out("Port \(busy) is in use, so Swell took port \(listening.port) instead.")
        }
        Console.out("  Local:   \(listening.baseURL)")
        guard !quiet else { return }
        if listening.isWildcard {
            for address in Self.networkAddresses(includeIPv6: listening.host.contains(":")) {
                Console.out("  Network: \(SwellServer.Listening.url(host: address, port: listening.port))")
            }
        }
        Console.out(watchesOnly ? "  Watching: \(root)" : "  Serving: \(root)")
        for notice in notices { Console.out(notice) }
        Console.out("  Press Ctrl-C to stop.")
    }

    /// Non-loopback addresses of this machine's interfaces that are up.
    static func networkAddresses(includeIPv6: Bool) -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, entry.pointee.ifa_flags & UInt32(IFF_UP) != 0,
                entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0
            else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || (includeIPv6 && family == AF_INET6) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(cString: host)
            if text.hasPrefix("fe80") { continue }  // link-local needs a zone id no browser bar accepts
            if !addresses.contains(text) { addresses.append(text) }
        }
        return addresses
    }
}

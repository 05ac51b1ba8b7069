import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// One name the served certificate carries: a DNS name or an IP address (4 or 16 bytes).
enum ServedName: Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    case address([UInt8])

    /// An address in text form (`127.0.0.1`, `::1`, `[::1]`), else a DNS name.
    init(_ text: String) {
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            self = .address(withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, bare, &v6) == 1 {
            self = .address(withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            self = .dns(bare.lowercased())
        }
    }

    var description: String {
        switch self {
        case .dns(let name): return name
        case .address(let bytes):
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// What the served certificate names for a server bound to `host` that also answers to
    /// `allowedHosts`: `localhost`, `127.0.0.1` and `::1` always; a named bind address; and,
    /// bound to every interface, each interface's address. Names the CA may not sign are
    /// returned apart, for the banner to mention.
    static func forServer(host: String, allowedHosts: [String], interfaceAddresses: [String]) -> (names: [ServedName], leftOut: [String]) {
        var wanted = ["localhost", "127.0.0.1", "::1"]
        if HostAddress.isWildcard(host) {
            wanted += interfaceAddresses
        } else if !HostAddress.isLoopback(host) {
            wanted.append(host)
        }
        wanted += allowedHosts.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
        var names: [ServedName] = []
        var leftOut: [String] = []
        for text in wanted {
            let name = ServedName(text)
            if names.contains(name) { continue }
            if LocalAuthority.permits(name) {
                names.append(name)
            } else if !leftOut.contains(text) {
                leftOut.append(text)
            }
        }
        return (names, leftOut)
    }
}

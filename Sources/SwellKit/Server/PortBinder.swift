#if canImport(Glibc)
    import Glibc
#endif

/// Chooses the port to listen on, as the SPEC's `--port` row says: a busy default port
/// moves on to the next free one (up to `portSearchLimit` more); a busy port the user
/// named is an error. Probing binds a socket with the same `SO_REUSEADDR` the server
/// uses, so a port in TIME_WAIT counts as free and a listening one as busy.
enum PortBinder {
    /// The chosen port and whether it differs from the one asked for.
    struct Choice: Sendable, Equatable {
        let port: Int
        let movedFrom: Int?
    }

    static func choose(_ configuration: SwellConfiguration) throws(SwellError) -> Choice {
        let host = configuration.host
        let wanted = configuration.port
        if wanted == 0 { return Choice(port: 0, movedFrom: nil) }
        switch probe(host: host, port: wanted) {
        case 0: return Choice(port: wanted, movedFrom: nil)
        case EADDRINUSE where !configuration.portIsExplicit: break
        case EADDRINUSE: throw .portBusy(host: host, port: wanted)
        case let code: throw .cannotBind(host: host, port: wanted, reason: String(cString: strerror(code)))
        }
        let last = min(65535, wanted + configuration.portSearchLimit)
        for candidate in (wanted + 1)...max(wanted + 1, last) where probe(host: host, port: candidate) == 0 {
            return Choice(port: candidate, movedFrom: wanted)
        }
        throw .noFreePort(host: host, first: wanted, last: last)
    }

    /// 0 when `host:port` can be bound now, else the errno of the failure.
    static func probe(host: String, port: Int) -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(bare, String(port), &hints, &result) == 0, let info = result else { return EADDRNOTAVAIL }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 ? 0 : errno
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Minimal blocking HTTP over a socket to 127.0.0.1, run on its own thread.
enum HTTP {
    /// Sends `request` and returns everything the server sent before closing (or `timeout`).
    static func exchange(port: Int, _ request: String, timeout: TimeInterval = 10) async throws -> String {
        try await exchange(port: port, request, timeout: timeout, stopAtContentLength: false)
    }

    /// Like `exchange`, but stops once the response's `Content-Length` body has arrived, for
    /// servers (chromedriver) that keep the connection open.
    static func exchangeFramed(port: Int, _ request: String, timeout: TimeInterval = 60) async throws -> String {
        try await exchange(port: port, request, timeout: timeout, stopAtContentLength: true)
    }

    private static func exchange(port: Int, _ request: String, timeout: TimeInterval, stopAtContentLength: Bool) async throws -> String {
        try await onThread {
            let fd = try connect(port: port)
            defer { close(fd) }
            _ = request.withCString { write(fd, $0, strlen($0)) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR || (stopAtContentLength && errno == EAGAIN) { continue }
                    break
                }
                received.append(contentsOf: buffer[0..<n])
                if stopAtContentLength, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                    if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                        let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                        received.count - end.upperBound >= length
                    {
                        break
                    }
                }
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    static func get(port: Int, _ path: String, host: String = "127.0.0.1") async throws -> String {
        try await exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
    }

    /// Opens `/stream`-like responses and keeps them open; returns the descriptors.
    static func openStream(port: Int, _ path: String) async throws -> Int32 {
        try await onThread {
            let fd = try connect(port: port)
            _ = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            return fd
        }
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw SwellProcess.ProcessError.timedOut(stdout: "connect failed", stderr: String(cString: strerror(errno)))
        }
        return fd
    }

    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

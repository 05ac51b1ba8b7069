import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whole exchanges as raw text, for tests that look at the bytes of a response (the built
/// binary's, chromedriver's). Built on `RawHTTPClient`'s socket, deadline and thread.
public enum HTTP {
    /// Sends `request` and returns everything the server sent before closing (or `timeout`).
    public static func exchange(port: Int, _ request: String, timeout: TimeInterval = 10) async throws -> String {
        try await exchange(port: port, request, timeout: timeout, stopAtContentLength: false)
    }

    /// Like `exchange`, but stops once the response's `Content-Length` body has arrived, for
    /// servers (chromedriver) that keep the connection open.
    public static func exchangeFramed(port: Int, _ request: String, timeout: TimeInterval = 60) async throws -> String {
        try await exchange(port: port, request, timeout: timeout, stopAtContentLength: true)
    }

    private static func exchange(port: Int, _ request: String, timeout: TimeInterval, stopAtContentLength: Bool) async throws -> String {
        try await onThread {
            let fd = try connect(port: port, timeout: timeout)
            defer { close(fd) }
            try RawHTTPClient.writeAll(fd, Array(request.utf8))
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

    public static func get(port: Int, _ path: String, host: String = "127.0.0.1") async throws -> String {
        try await exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
    }

    /// Opens `/stream`-like responses and keeps them open; returns the descriptor once the head has begun to arrive.
    public static func openStream(port: Int, _ path: String) async throws -> Int32 {
        try await onThread {
            let fd = try connect(port: port)
            try RawHTTPClient.writeAll(fd, Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            return fd
        }
    }

    /// A connected socket to 127.0.0.1:`port` whose reads and writes give up after `timeout`.
    public static func connect(port: Int, timeout: TimeInterval = 5) throws -> Int32 {
        try RawHTTPClient.connect(port: port, timeout: timeout)
    }

    /// Runs blocking socket work on a thread of its own.
    public static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await RawHTTPClient.offCooperativePool(work)
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a plain TCP socket to 127.0.0.1, so that test
/// targets such as `/../x`, `%2e%2e`, `\` and NUL reach the server byte for byte.
/// Every read has a deadline; nothing waits forever.
public struct RawHTTPClient: Sendable {
    public let port: Int

    public init(port: Int) {
        self.port = port
    }

    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: [UInt8]
        public let raw: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var rawText: String { String(decoding: raw, as: UTF8.self) }
    }

    /// Sends `GET target` (or `method`) with `Connection: close` and reads to end of stream.
    public func get(
        _ target: String,
        method: String = "GET",
        headers: [String: String] = [:],
        host: String = "127.0.0.1",
        timeout: TimeInterval = 10
    ) async throws -> Response {
        var request = "\(method) \(target) HTTP/1.1\r\n"
        if !host.isEmpty { request += "Host: \(host)\r\n" }
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "Connection: close\r\n\r\n"
        return try await send(Array(request.utf8), isHead: method == "HEAD", timeout: timeout)
    }

    /// Sends raw bytes and reads until the server closes (or `timeout`).
    public func send(_ bytes: [UInt8], isHead: Bool = false, timeout: TimeInterval = 10) async throws -> Response {
        let port = self.port
        return try await Self.offCooperativePool {
            let socket = try Self.connect(port: port, timeout: timeout)
            defer { close(socket) }
            try Self.writeAll(socket, bytes)
            let raw = try Self.readToEnd(socket, deadline: Date().addingTimeInterval(timeout))
            return try Self.parse(raw, isHead: isHead)
        }
    }

    /// Opens a connection for a response that is read a piece at a time (event streams).
    public func openStream(_ target: String, headers: [String: String] = [:]) async throws -> StreamConnection {
        var request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        let port = self.port
        let socket = try await Self.offCooperativePool {
            let socket = try Self.connect(port: port, timeout: 1)
            try Self.writeAll(socket, bytes)
            return socket
        }
        return StreamConnection(socket: socket)
    }

    /// Blocking socket calls run on a thread of their own: the in-process server's handlers
    /// share the (two-thread) cooperative pool, and a blocked test must not starve them.
    public static func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// A connected socket whose reads and writes give up after `timeout`; `receiveBuffer`
    /// shrinks its receive buffer (a page that stops reading), set before the connection opens.
    public static func connect(port: Int, timeout: TimeInterval, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError.io("socket") }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ClientError.io("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw ClientError.io("write") }
            offset += n
        }
    }

    public static func readToEnd(_ fd: Int32, deadline: Date) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n == 0 { return result }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError.timeout(String(decoding: result.prefix(300), as: UTF8.self))
            }
            result.append(contentsOf: buffer[0..<n])
        }
        throw ClientError.timeout(String(decoding: result.prefix(300), as: UTF8.self))
    }

    public static func parse(_ raw: [UInt8], isHead: Bool) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.firstRange(of: separator) else { throw ClientError.malformed(String(decoding: raw.prefix(300), as: UTF8.self)) }
        let headText = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed(headText) }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(raw[end.upperBound...])
        let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }
        if chunked && !isHead { body = decodeChunked(body) }
        return Response(status: status, headers: headers, body: isHead ? [] : body, raw: raw)
    }

    public static func decodeChunked(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            output.append(contentsOf: bytes[start..<min(start + size, bytes.count)])
            index = start + size + 2
        }
        return output
    }

    public enum ClientError: Error, CustomStringConvertible {
        case io(String), timeout(String), malformed(String)
        public var description: String {
            switch self {
            case .io(let what): "I/O error: \(what)"
            case .timeout(let got): "timed out; received so far: \(got)"
            case .malformed(let got): "malformed response: \(got)"
            }
        }
    }
}

/// One open response read incrementally; closing it is the client going away.
public final class StreamConnection: Sendable {
    public let socket: Int32
    private let received = Mutex<[UInt8]>([])

    public init(socket: Int32) {
        self.socket = socket
    }

    deinit {
        close(socket)
    }

    /// Everything received so far, as text.
    public var text: String { received.withLock { String(decoding: $0, as: UTF8.self) } }
    /// Everything received so far.
    public var bytes: [UInt8] { received.withLock { $0 } }

    /// Sends more bytes on the connection (a WebSocket frame, once it is a tunnel).
    public func write(_ bytes: [UInt8]) async throws {
        let socket = self.socket
        try await RawHTTPClient.offCooperativePool { try RawHTTPClient.writeAll(socket, bytes) }
    }

    /// Reads until the received text contains `needle`, or throws after `timeout` seconds.
    public func waitFor(_ needle: String, timeout: TimeInterval = 10) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let socket = self.socket
        while true {
            let current = text
            if current.contains(needle) { return current }
            guard Date() < deadline else { throw RawHTTPClient.ClientError.timeout(current) }
            let chunk = try await RawHTTPClient.offCooperativePool { () -> [UInt8] in
                var buffer = [UInt8](repeating: 0, count: 16384)
                let n = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress!, $0.count) }
                if n == 0 { throw RawHTTPClient.ClientError.io("the server closed the stream") }
                return n > 0 ? Array(buffer[0..<n]) : []
            }
            received.withLock { $0.append(contentsOf: chunk) }
        }
    }

    /// Reads (keeping what arrives) until the server closes the connection; returns false if it is still open after `timeout`.
    public func waitForClose(timeout: TimeInterval) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let socket = self.socket
        while Date() < deadline {
            let (closed, chunk) = try await RawHTTPClient.offCooperativePool { () -> (Bool, [UInt8]) in
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress!, $0.count) }
                if n > 0 { return (false, Array(buffer[0..<n])) }
                return (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR), [])
            }
            received.withLock { $0.append(contentsOf: chunk) }
            if closed { return true }
        }
        return false
    }
}

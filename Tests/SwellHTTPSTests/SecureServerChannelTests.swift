import Foundation
import SwellKit
import SwellTestSupport
import Testing

@testable import SwellHTTPS

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTPS port's protections before a request exists: a connection that sends nothing, a TLS
/// handshake that stalls, and a plain head sent a byte at a time are each cut off at the
/// request-head limit, as on a plain port.
@Suite struct SecureServerChannelTests {
    static let limit: Duration = .milliseconds(800)

    func withHTTPSServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let site = try TemporarySite(["page.txt": "hello"])
        var configuration = SwellConfiguration(root: site.root.path)
        configuration.port = 0
        configuration.portIsExplicit = true
        configuration.requestHeadTimeout = Self.limit
        let folder = CertificateFolder(path: site.container.appendingPathComponent("ca").path, owner: nil)
        let transport = try HTTPSTransport.localAuthority(for: configuration, folder: folder)
        let server = try SwellServer(configuration: configuration, proxyEngine: nil, secureTransport: transport)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run { continuation.yield($0.port) } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                try await body(port)
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
            try await tasks.waitForAll()
        }
    }

    /// What the server sent before it closed `first` (then nothing more), and after how long.
    static func answer(port: Int, sending first: [UInt8], slowly rest: [UInt8] = []) async throws -> (text: String, seconds: Double) {
        try await RawHTTPClient.offCooperativePool {
            let socket = try RawHTTPClient.connect(port: port, timeout: 5)
            defer { close(socket) }
            let started = Date()
            if !first.isEmpty { try RawHTTPClient.writeAll(socket, first) }
            for byte in rest {
                var ready = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                if Glibc.poll(&ready, 1, 100) > 0 { break }
                guard (try? RawHTTPClient.writeAll(socket, [byte])) != nil else { break }
            }
            let raw = (try? RawHTTPClient.readToEnd(socket, deadline: Date().addingTimeInterval(5))) ?? []
            return (String(decoding: raw, as: UTF8.self), Date().timeIntervalSince(started))
        }
    }

    @Test func aConnectionThatSendsNothingOrStallsItsHandshakeIsClosedAtTheLimit() async throws {
        try await withHTTPSServer { port in
            let silent = try await Self.answer(port: port, sending: [])
            #expect(silent.text.isEmpty && silent.seconds < 4, "closed after \(silent.seconds) s")
            // The first bytes of a TLS record, then nothing.
            let stalled = try await Self.answer(port: port, sending: [0x16, 0x03, 0x01])
            #expect(stalled.seconds < 4, "closed after \(stalled.seconds) s")
        }
    }

    @Test func aPlainHeadSentAByteAtATimeGets408() async throws {
        try await withHTTPSServer { port in
            let head = Array("GET /page.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60)
            let slow = try await Self.answer(port: port, sending: Array(head.prefix(1)), slowly: Array(head.dropFirst()))
            #expect(slow.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(slow.text)")
            let whole = try await Self.answer(port: port, sending: Array("GET /page.txt HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            #expect(whole.text.hasPrefix("HTTP/1.1 307 "), "a complete plain request goes to https: \(whole.text)")
            #expect(whole.seconds < 2, "HTTP/1.0 closes after its answer")
        }
    }
}

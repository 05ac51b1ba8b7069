import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Files too large for the cache go from the page cache to the socket (`sendfile`) over plain
/// HTTP/1.1: the client must get exactly the bytes it asked for, and a file cut short while
/// it is sent must end the connection rather than leave it hanging.
@Suite struct LargeFileTests {
    static let size = 5 << 20

    @Test func aFileLargerThanTheCacheArrivesWholeAndByRange() async throws {
        let bytes = Data((0..<Self.size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        try site.write("big.bin", bytes)
        try await withRunningServer(site) { client in
            for _ in 0..<2 {
                let whole = try await client.get("/big.bin")
                #expect(whole.status == 200)
                #expect(whole.header("Content-Length") == String(Self.size))
                #expect(whole.body == Array(bytes))
            }
            let part = try await client.get("/big.bin", headers: ["Range": "bytes=1000000-1000999"])
            #expect(part.status == 206)
            #expect(part.header("Content-Range") == "bytes 1000000-1000999/\(Self.size)")
            #expect(part.body == Array(bytes[1_000_000...1_000_999]))
            let head = try await client.get("/big.bin", method: "HEAD")
            #expect(head.header("Content-Length") == String(Self.size))
            #expect(head.body.isEmpty)
        }
    }

    @Test func aFileCutShortWhileItIsSentEndsTheConnection() async throws {
        let site = try TemporarySite(["index.html": "<p>home</p>"])
        let path = site.root.appendingPathComponent("huge.bin").path
        // 256 MiB of holes: no disk, and far more than the socket buffers hold.
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(ftruncate(fd, 256 << 20) == 0)
        close(fd)
        try await withRunningServer(site) { client in
            let received = try await RawHTTPClient.offCooperativePool { () -> (Int, Bool) in
                let socket = try RawHTTPClient.connect(port: client.port, timeout: 1)
                defer { close(socket) }
                try RawHTTPClient.writeAll(socket, Array("GET /huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                var buffer = [UInt8](repeating: 0, count: 65536)
                var total = read(socket, &buffer, buffer.count)
                // The response is under way: now the file shrinks to 1 MiB.
                truncate(path, 1 << 20)
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline {
                    let count = read(socket, &buffer, buffer.count)
                    if count == 0 { return (total, true) }
                    if count > 0 {
                        total += count
                    } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                        return (total, true)
                    }
                }
                return (total, false)
            }
            #expect(received.1, "the connection was still open 5 s after the file was cut short")
            #expect(received.0 < 256 << 20)
        }
    }
}

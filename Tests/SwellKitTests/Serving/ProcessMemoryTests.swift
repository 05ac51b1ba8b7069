import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

/// Measures the test process's own resident memory, which any other test running beside it
/// would inflate: `Scripts/test` runs this suite alone, after every other test.
@Suite struct ProcessMemoryTests {
    static func plain(_ configuration: inout SwellConfiguration) {
        configuration.liveReload = false
    }

    @Test func largeFileIsStreamedIntactWithBoundedMemory() async throws {
        let site = try TemporarySite()
        let size = 50 * 1024 * 1024
        var data = Data(count: size)
        data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            for index in stride(from: 0, to: size, by: 4096) { raw[index] = UInt8(truncatingIfNeeded: index / 4096) }
        }
        try site.write("big.bin", data)
        let expectedSum = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in raw.reduce(UInt64(0)) { $0 &+ UInt64($1) } }
        data = Data()
        try await withRunningServer(site, configure: Self.plain) { client in
            let before = Self.residentBytes()
            let connection = try await client.openStream("/big.bin", headers: ["Connection": "close"])
            let (received, sum) = try await RawHTTPClient.offCooperativePool { () -> (Int, UInt64) in
                var buffer = [UInt8](repeating: 0, count: 65536)
                var total = 0
                var sum: UInt64 = 0
                var headerDone = false
                var pending: [UInt8] = []
                // The socket's read timeout is 1 s; on a loaded machine keep waiting, up to a bound.
                let deadline = Date().addingTimeInterval(60)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(connection.socket, $0.baseAddress!, $0.count) }
                    if n < 0 && (errno == EAGAIN || errno == EINTR) && Date() < deadline { continue }
                    if n <= 0 { break }
                    var chunk = buffer[0..<n]
                    if !headerDone {
                        pending.append(contentsOf: chunk)
                        guard let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
                        headerDone = true
                        chunk = pending[end.upperBound...]
                    }
                    total += chunk.count
                    for byte in chunk { sum &+= UInt64(byte) }
                }
                return (total, sum)
            }
            let after = Self.residentBytes()
            #expect(received == size)
            #expect(sum == expectedSum)
            // The whole file would add 50 MB; one chunk per response is a few hundred KB.
            #expect(after - before < 20 * 1024 * 1024, "RSS grew by \(after - before) bytes")
        }
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ")[1])
        else { return 0 }
        return kilobytes * 1024
    }
}

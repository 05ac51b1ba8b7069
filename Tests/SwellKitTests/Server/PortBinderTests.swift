import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PortBinderTests {
    /// Holds a listening socket on an OS-chosen loopback port.
    final class Listener {
        let fd: Int32
        let port: Int
        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw RawHTTPClient.ClientError.io("listen") }
            port = Int(UInt16(bigEndian: address.sin_port))
        }
        deinit { close(fd) }
    }

    @Test func busyDefaultPortMovesToTheNextFreeOne() throws {
        let busy = try Listener()
        var configuration = SwellConfiguration(root: "/")
        configuration.port = busy.port
        configuration.portIsExplicit = false
        let choice = try PortBinder.choose(configuration)
        #expect(choice.port > busy.port)
        #expect(choice.port <= busy.port + 10)
        #expect(choice.movedFrom == busy.port)
    }

    @Test func busyExplicitPortIsAnErrorThatNamesTheFix() throws {
        let busy = try Listener()
        var configuration = SwellConfiguration(root: "/")
        configuration.port = busy.port
        configuration.portIsExplicit = true
        #expect(throws: SwellError.portBusy(host: "127.0.0.1", port: busy.port)) { try PortBinder.choose(configuration) }
        #expect(SwellError.portBusy(host: "127.0.0.1", port: busy.port).description.contains("--port"))
    }

    @Test func portZeroIsLeftToTheKernel() throws {
        var configuration = SwellConfiguration(root: "/")
        configuration.port = 0
        #expect(try PortBinder.choose(configuration) == .init(port: 0, movedFrom: nil))
    }
}

import Hummingbird
import Testing

@testable import SwellKit

@Suite struct HostCheckTests {
    let check = HostCheck(allowedHosts: ["dev.example.test"])

    @Test(arguments: [
        "localhost", "localhost:5000", "LOCALHOST:5000", "127.0.0.1", "127.0.0.1:5000", "[::1]", "[::1]:5000",
        "app.localhost", "a.b.localhost:8080", "dev.example.test", "DEV.example.test:5000",
    ])
    func loopbackNamesAndAllowedHostsPass(host: String) {
        #expect(check.accepts(hostHeader: host))
    }

    @Test(arguments: [
        "evil.com", "evil.com:5000", "localhost.evil.com", "127.0.0.1.nip.io", "192.168.1.5", "[::2]", "example.test",
        "localhostx", "", "127.0.0.2",
    ])
    func otherHostsAreRebindingAttempts(host: String) {
        #expect(!check.accepts(hostHeader: host))
    }
}

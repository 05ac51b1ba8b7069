import Foundation
import SwellTestSupport
import SwiftASN1
import Testing
import X509

@testable import SwellHTTPS

@Suite struct ServedCertificateTests {
    let site: TemporarySite
    let folder: CertificateFolder

    init() throws {
        site = try TemporarySite()
        folder = CertificateFolder(path: site.container.appendingPathComponent("ca").path, owner: nil)
    }

    @Test func theCertificateNamesLoopbackAlwaysAndLeavesOutNamesTheCAMayNotSign() {
        let (names, leftOut) = ServedName.forServer(
            host: "0.0.0.0",
            allowedHosts: ["app.test", "example.com", ".dev.localhost"],
            interfaceAddresses: ["192.168.1.20", "203.0.113.9", "fd00::5"]
        )
        #expect(names.map(\.description) == ["localhost", "127.0.0.1", "::1", "192.168.1.20", "fd00::5", "app.test", "dev.localhost"])
        #expect(leftOut == ["203.0.113.9", "example.com"])
    }

    @Test(arguments: [
        ("localhost", true), ("a.localhost", true), ("shop.test", true), ("printer.local", true), ("10.1.2.3", true),
        ("172.31.0.1", true), ("172.32.0.1", false), ("8.8.8.8", false), ("example.com", false), ("notlocalhost", false),
        ("::1", true), ("2001:db8::1", false),
    ])
    func theCAsNameConstraintsAllowOnlyLocalNames(name: String, permitted: Bool) {
        #expect(LocalAuthority.permits(ServedName(name)) == permitted)
    }

    @Test func aCertificateIsKeptWhileItFitsAndIssuedAfreshForNewNamesOrNearItsEnd() throws {
        let now = Date()
        let authority = try LocalAuthority.loadOrCreate(in: folder, now: now)
        let names = [ServedName("localhost"), ServedName("127.0.0.1")]
        let first = try ServedCertificate.current(for: names, authority: authority, in: folder, now: now)
        #expect(first.isNew)
        let again = try ServedCertificate.current(for: names, authority: authority, in: folder, now: now + 86_400)
        #expect(!again.isNew && again.certificatePEM == first.certificatePEM)
        let renamed = try ServedCertificate.current(for: names + [ServedName("app.test")], authority: authority, in: folder, now: now)
        #expect(renamed.isNew)
        let late = try ServedCertificate.current(for: names + [ServedName("app.test")], authority: authority, in: folder, now: now + 340 * 86_400)
        #expect(late.isNew, "within 30 days of its end")
        let certificate = try Certificate(pemEncoded: late.certificatePEM)
        #expect(certificate.notValidAfter.timeIntervalSince(now + 340 * 86_400) > 364 * 86_400)
        let usage = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(usage.contains(.serverAuth))
    }

    @Test func aCAMadeAgainGetsANewCertificateForTheSameNames() throws {
        let names = [ServedName("localhost")]
        let authority = try LocalAuthority.loadOrCreate(in: folder)
        _ = try ServedCertificate.current(for: names, authority: authority, in: folder)
        unlink(folder.file(LocalAuthority.keyFile))
        unlink(folder.file(LocalAuthority.certificateFile))
        let other = try LocalAuthority.loadOrCreate(in: folder)
        #expect(other.pem != authority.pem)
        #expect(try ServedCertificate.current(for: names, authority: other, in: folder).isNew)
    }
}

import Foundation
import SwellTestSupport
import Testing

@testable import SwellHTTPS

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct CertificateFolderTests {
    @Test func theFolderIsUnderXDGDataHomeElseUnderHome() {
        let xdg = CertificateFolder.forCurrentUser(environment: ["XDG_DATA_HOME": "/data/me", "HOME": "/home/me"])
        let home = CertificateFolder.forCurrentUser(environment: ["HOME": "/home/me"])
        #expect(xdg.owner == nil, "without SUDO_USER the folder is the running user's own")
        #expect(xdg.path == "/data/me/swell")
        #expect(home.path == "/home/me/.local/share/swell")
        let relative = CertificateFolder.forCurrentUser(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/me"])
        #expect(relative.path == "/home/me/.local/share/swell", "a relative XDG_DATA_HOME is ignored, as the spec says")
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs root and a nobody user"))
    func underSudoTheFolderIsTheInvokingUsersAndWhatIsWrittenIsTheirs() throws {
        let user = try #require(getpwnam("nobody"))
        let folder = CertificateFolder.forCurrentUser(environment: ["SUDO_USER": "nobody", "HOME": "/root", "XDG_DATA_HOME": "/root/data"])
        #expect(folder.path == String(cString: user.pointee.pw_dir) + "/.local/share/swell")
        #expect(folder.owner?.uid == user.pointee.pw_uid)
        // Written files go to that user.
        let site = try TemporarySite()
        let written = CertificateFolder(path: site.container.appendingPathComponent("ca").path, owner: folder.owner)
        try written.prepare()
        try written.write("ca.pem", "x", mode: 0o644)
        let owner = try FileManager.default.attributesOfItem(atPath: written.file("ca.pem"))[.ownerAccountID] as? NSNumber
        #expect(owner?.uint32Value == user.pointee.pw_uid)
    }
}

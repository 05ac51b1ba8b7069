import Subprocess
import SwellKit
import SystemPackage
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// `swell --trust` and `--untrust`: Swell's CA in the user's NSS database (`~/.pki/nssdb`,
/// which Chromium reads), in every Firefox profile found (snap's included) and, as root, in the
/// system store (`/usr/local/share/ca-certificates`, then `update-ca-certificates`). Each step
/// is idempotent and says what it did. Nothing is installed: a missing `certutil` is named
/// with its Debian package.
package struct TrustStores: Sendable {
    let folder: CertificateFolder
    let home: String
    /// Where Debian's `update-ca-certificates` reads local CAs from.
    let systemStore: CertificateFolder
    static let anchorName = "swell-local-ca.crt"
    var systemAnchor: String { systemStore.file(Self.anchorName) }

    static let debianStore = "/usr/local/share/ca-certificates"

    /// `SWELL_SYSTEM_CA_STORE` names another folder for the system store's step (tests, image
    /// builders); `update-ca-certificates` then is not run.
    package init(folder: CertificateFolder = .forCurrentUser(), systemStore: String? = nil) {
        self.folder = folder
        // The folder is `<home>/.local/share/swell` unless XDG_DATA_HOME moved it; the NSS
        // databases are in the same user's home either way.
        var home = getenv("HOME").map { String(cString: $0) } ?? "/root"
        if let owner = folder.owner, let user = getpwuid(owner.uid) { home = String(cString: user.pointee.pw_dir) }
        self.home = home
        self.systemStore = CertificateFolder(
            path: systemStore ?? getenv("SWELL_SYSTEM_CA_STORE").map { String(cString: $0) } ?? Self.debianStore,
            owner: nil
        )
    }

    /// One line per place: what was done there, or why not. `succeeded` is false when no
    /// place could be changed.
    package struct Report: Sendable {
        package var lines: [String] = []
        package var succeeded = false
    }

    package func trust() async throws(CertificateError) -> Report {
        let authority = try LocalAuthority.loadOrCreate(in: folder)
        let nickname = Self.nickname(authority)
        let caFile = folder.file(LocalAuthority.certificateFile)
        var report = Report()
        report.lines.append("Swell's CA: \(caFile)")
        await forEachDatabase(into: &report) { database, label, report in
            if await certutil(["-d", "sql:" + database, "-L", "-n", nickname]).ok {
                report.lines.append("  \(label): already trusted")
                report.succeeded = true
                return
            }
            let added = await certutil(["-d", "sql:" + database, "-A", "-t", "C,,", "-n", nickname, "-i", caFile])
            report.lines.append(added.ok ? "  \(label): trusted" : "  \(label): could not add it (\(added.output))")
            report.succeeded = report.succeeded || added.ok
        }
        if geteuid() == 0 {
            if (try? systemStore.read(Self.anchorName)) == authority.pem {
                report.lines.append("  system store: already trusted (\(systemAnchor))")
                report.succeeded = true
            } else {
                mkdir(systemStore.path, 0o755)
                do {
                    try systemStore.write(Self.anchorName, authority.pem, mode: 0o644, replacing: true)
                    let updated = await refreshSystemStore([])
                    report.lines.append(
                        updated.ok
                            ? "  system store: trusted (\(systemAnchor))"
                            : "  system store: wrote \(systemAnchor), but update-ca-certificates failed (\(updated.output))"
                    )
                    report.succeeded = true
                } catch {
                    report.lines.append("  system store: \(error)")
                }
            }
        } else {
            report.lines.append("  system store: not changed (only root can; run sudo swell --trust for curl, wget and other system tools)")
        }
        return report
    }

    package func untrust() async throws(CertificateError) -> Report {
        var report = Report()
        guard let authority = try LocalAuthority.load(from: folder) else {
            report.lines.append("Swell has no CA in \(folder.path); nothing to remove")
            report.succeeded = true
            return report
        }
        let nickname = Self.nickname(authority)
        await forEachDatabase(into: &report) { database, label, report in
            var removed = 0
            // A CA made again under the same name may be there more than once.
            while removed < 16, await certutil(["-d", "sql:" + database, "-D", "-n", nickname]).ok { removed += 1 }
            report.lines.append(removed > 0 ? "  \(label): removed" : "  \(label): was not trusted")
            report.succeeded = true
        }
        if geteuid() == 0 {
            if unlink(systemAnchor) == 0 {
                let updated = await refreshSystemStore(["--fresh"])
                report.lines.append(
                    updated.ok
                        ? "  system store: removed" : "  system store: removed \(systemAnchor); update-ca-certificates failed (\(updated.output))"
                )
            } else {
                report.lines.append("  system store: was not trusted")
            }
            report.succeeded = true
        } else if access(systemAnchor, F_OK) == 0 {
            report.lines.append("  system store: still trusted; run sudo swell --untrust to remove \(systemAnchor)")
        }
        return report
    }

    /// Whether a browser here would already take the transport's CA: it is in the user's NSS
    /// database or the system store. For the banner; false when that cannot be told.
    package static func isTrusted(_ transport: HTTPSTransport) async -> Bool {
        guard let authority = transport.authority else { return false }
        let stores = TrustStores()
        if (try? stores.systemStore.read(anchorName)) == authority.pem {
            return true
        }
        let database = stores.home + "/.pki/nssdb"
        guard access(database + "/cert9.db", R_OK) == 0 else { return false }
        return await stores.certutil(["-d", "sql:" + database, "-L", "-n", nickname(authority)]).ok
    }

    static func nickname(_ authority: LocalAuthority) -> String {
        authority.certificate.subject.description.split(separator: ",").first { $0.hasPrefix("CN=") }.map { String($0.dropFirst(3)) }
            ?? "Swell local CA"
    }

    /// The user's NSS database (made if missing) and each Firefox profile's; `certutil` must exist.
    private func forEachDatabase(into report: inout Report, _ body: (String, String, inout Report) async -> Void) async {
        guard ExecutablePath.find("certutil") != nil else {
            report.lines.append("  browsers: certutil is missing; install it with: sudo apt-get install libnss3-tools (then run swell --trust again)")
            return
        }
        let nss = home + "/.pki/nssdb"
        if access(nss + "/cert9.db", F_OK) != 0 {
            for created in [home + "/.pki", nss] where access(created, F_OK) != 0 {
                mkdir(created, 0o700)
                if let owner = folder.owner { chown(created, owner.uid, owner.gid) }
            }
            _ = await certutil(["-d", "sql:" + nss, "-N", "--empty-password"])
        }
        var databases = [(nss, "Chromium (\(nss))")]
        for profiles in [home + "/.mozilla/firefox", home + "/snap/firefox/common/.mozilla/firefox"] {
            for profile in Self.entries(of: profiles) where access(profiles + "/" + profile + "/cert9.db", F_OK) == 0 {
                databases.append((profiles + "/" + profile, "Firefox profile \(profile)"))
            }
        }
        for (database, label) in databases {
            await body(database, label, &report)
            if let owner = folder.owner {
                // Under sudo, certutil wrote root's files into the user's database: give them back.
                for name in Self.entries(of: database) { chown(database + "/" + name, owner.uid, owner.gid) }
            }
        }
    }

    /// `update-ca-certificates ARGS` for Debian's store; nothing for a store named by `SWELL_SYSTEM_CA_STORE`.
    private func refreshSystemStore(_ arguments: [String]) async -> (ok: Bool, output: String) {
        systemStore.path == Self.debianStore ? await run("update-ca-certificates", arguments) : (true, "")
    }

    func certutil(_ arguments: [String]) async -> (ok: Bool, output: String) {
        await run("certutil", arguments)
    }

    private func run(_ name: String, _ arguments: [String]) async -> (ok: Bool, output: String) {
        do {
            let result = try await Subprocess.run(
                .name(name),
                arguments: Arguments(arguments),
                input: .none,
                output: .string(limit: 65_536),
                error: .combinedWithOutput
            )
            let text = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
            return (result.terminationStatus.isSuccess, text)
        } catch {
            return (false, "\(error)")
        }
    }

    static func entries(of folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

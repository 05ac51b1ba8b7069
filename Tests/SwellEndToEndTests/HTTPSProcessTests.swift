import Foundation
import SwellTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--https`, `--cert/--key`, `--trust`: the built `swell` with its CA in a throwaway
/// `XDG_DATA_HOME`, checked with curl, a client that verifies certificates and speaks HTTP/2.
@Suite(.serialized) struct HTTPSProcessTests {
    /// A site, a data home for Swell's CA beside it (never under ROOT), and a HOME for NSS.
    final class Fixture: Sendable {
        let site: TemporarySite
        let dataHome: String
        let home: String

        init(_ files: [String: String] = ["index.html": "<!doctype html><html><body><h1>secure</h1></body></html>"]) throws {
            site = try TemporarySite(files)
            dataHome = site.container.appendingPathComponent("data").path
            home = site.container.appendingPathComponent("home").path
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        }

        var folder: String { dataHome + "/swell" }
        var caFile: String { folder + "/ca.pem" }
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_DATA_HOME"] = dataHome
            environment["HOME"] = home
            environment["SWELL_SYSTEM_CA_STORE"] = site.container.appendingPathComponent("system-store").path
            return environment
        }

        func start(_ arguments: [String] = ["--https"]) throws -> SwellProcess {
            try SwellProcess([site.root.path, "-p", "0"] + arguments, environment: environment)
        }

        func swell(_ arguments: [String]) async throws -> (status: Int32?, output: String, errors: String) {
            let process = try SwellProcess(arguments, environment: environment)
            let status = await process.exitCode(within: 30)
            return (status, process.output, process.errorOutput)
        }
    }

    /// curl's exit status and what it printed (its `-w` line last).
    static func curl(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let process = try SwellProcess(["-sS", "--max-time", "10"] + arguments, executable: "/usr/bin/curl")
        let status = await process.exitCode(within: 20)
        return (status, process.output + process.errorOutput)
    }

    static func stop(_ swell: SwellProcess) async {
        swell.signal(SIGINT)
        _ = await swell.exitCode(within: 5)
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    @Test func aPageIsServedOverHTTP2AndHTTP1WithTheCertificateOfSwellsCAForLoopbackNames() async throws {
        let fixture = try Fixture()
        let swell = try fixture.start()
        let url = try await swell.baseURL()
        #expect(url.hasPrefix("https://127.0.0.1:"))
        let port = try #require(URL(string: url)?.port)
        #expect(swell.output.contains("swell --trust"), "the banner names --trust while the CA is not trusted")
        for host in ["127.0.0.1", "localhost"] {
            let h2 = try await Self.curl(["--cacert", fixture.caFile, "--http2", "-w", "\n%{http_version}", "https://\(host):\(port)/"])
            #expect(h2.status == 0, "\(h2.output)")
            #expect(h2.output.contains("<h1>secure</h1>") && h2.output.contains("/__swell/client.js"))
            #expect(h2.output.hasSuffix("\n2"))
            let h1 = try await Self.curl(["--cacert", fixture.caFile, "--http1.1", "-w", "\n%{http_version}", "https://\(host):\(port)/"])
            #expect(h1.status == 0 && h1.output.hasSuffix("\n1.1"), "\(h1.output)")
        }
        // The same file Swell serves for a phone to install.
        let served = try await Self.curl(["--cacert", fixture.caFile, "https://127.0.0.1:\(port)/__swell/ca.pem"])
        #expect(served.output == (try String(contentsOfFile: fixture.caFile, encoding: .utf8)))
        #expect(!served.output.contains("PRIVATE KEY"))
        await Self.stop(swell)
    }

    @Test func aNameTheCertificateDoesNotCarryFailsVerification() async throws {
        let fixture = try Fixture()
        let swell = try fixture.start()
        let port = try await swell.port()
        let other = try await Self.curl(["--cacert", fixture.caFile, "--resolve", "other.test:\(port):127.0.0.1", "https://other.test:\(port)/"])
        #expect(other.status == 60, "curl: \(other.output)")
        await Self.stop(swell)
    }

    @Test func keysAreOwnerOnlyNothingIsWrittenUnderRootAndARestartReusesTheCA() async throws {
        let fixture = try Fixture()
        let before = try FileManager.default.subpathsOfDirectory(atPath: fixture.site.root.path).sorted()
        let first = try fixture.start()
        _ = try await first.port()
        await Self.stop(first)
        #expect(Self.mode(fixture.folder) == 0o700)
        #expect(Self.mode(fixture.folder + "/ca-key.pem") == 0o600)
        #expect(Self.mode(fixture.folder + "/server-key.pem") == 0o600)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: fixture.site.root.path).sorted() == before)
        let authority = try String(contentsOfFile: fixture.caFile, encoding: .utf8)
        let served = try String(contentsOfFile: fixture.folder + "/server.pem", encoding: .utf8)
        let second = try fixture.start()
        let port = try await second.port()
        #expect(try String(contentsOfFile: fixture.caFile, encoding: .utf8) == authority)
        #expect(try String(contentsOfFile: fixture.folder + "/server.pem", encoding: .utf8) == served, "a certificate that still fits is kept")
        #expect(try await Self.curl(["--cacert", fixture.caFile, "https://localhost:\(port)/"]).status == 0)
        await Self.stop(second)
        // A new name (--allow-host) is a new certificate from the same CA.
        let third = try fixture.start(["--https", "--allow-host", "app.test"])
        let thirdPort = try await third.port()
        #expect(try String(contentsOfFile: fixture.folder + "/server.pem", encoding: .utf8) != served)
        let named = try await Self.curl([
            "--cacert", fixture.caFile, "--resolve", "app.test:\(thirdPort):127.0.0.1", "https://app.test:\(thirdPort)/",
        ])
        #expect(named.status == 0, "\(named.output)")
        await Self.stop(third)
    }

    @Test func twoFirstStartsAtOnceMakeOneCA() async throws {
        let fixture = try Fixture()
        let one = try fixture.start()
        let two = try fixture.start()
        let ports = (try await one.port(), try await two.port())
        for port in [ports.0, ports.1] {
            let answer = try await Self.curl(["--cacert", fixture.caFile, "https://127.0.0.1:\(port)/"])
            #expect(answer.status == 0, "both serve a certificate of the one CA on disk: \(answer.output)")
        }
        await Self.stop(one)
        await Self.stop(two)
    }

    @Test func aCAKeyOthersCanReadIsRefusedWithTheChmodToRun() async throws {
        let fixture = try Fixture()
        let first = try fixture.start()
        _ = try await first.port()
        await Self.stop(first)
        chmod(fixture.folder + "/ca-key.pem", 0o644)
        let refused = try await fixture.swell([fixture.site.root.path, "-p", "0", "--https"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("chmod 600 \(fixture.folder)/ca-key.pem"), "\(refused.errors)")
    }

    @Test func aCertificateFolderInsideRootIsRefused() async throws {
        let fixture = try Fixture()
        var environment = fixture.environment
        environment["XDG_DATA_HOME"] = fixture.site.root.path + "/data"
        let process = try SwellProcess([fixture.site.root.path, "-p", "0", "--https"], environment: environment)
        #expect(await process.exitCode(within: 20) == 1)
        #expect(process.errorOutput.contains("inside the served folder"), "\(process.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: fixture.site.root.path + "/data"), "nothing written under ROOT")
    }

    @Test func plainHTTPOnTheHTTPSPortIsATemporaryRedirectAfterTheHostCheck() async throws {
        let fixture = try Fixture()
        let swell = try fixture.start()
        let port = try await swell.port()
        let answer = try await HTTP.exchange(port: port, "GET /docs/?q=1 HTTP/1.1\r\nHost: localhost:\(port)\r\nConnection: close\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 307 "), "\(answer)")
        #expect(answer.contains("Location: https://localhost:\(port)/docs/?q=1\r\n"))
        #expect(answer.contains("Cache-Control: no-store\r\n"))
        #expect(!answer.lowercased().contains("strict-transport-security"))
        let foreign = try await HTTP.exchange(port: port, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        #expect(foreign.hasPrefix("HTTP/1.1 403 "), "the Host check comes first: \(foreign)")
        // A phone fetches the CA over plain HTTP, before it trusts it.
        let authority = try await HTTP.exchange(port: port, "GET /__swell/ca.pem HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(authority.hasPrefix("HTTP/1.1 200 ") && authority.contains("-----BEGIN CERTIFICATE-----"))
        #expect(authority.contains("Content-Type: application/x-x509-ca-cert\r\n"))
        await Self.stop(swell)
    }

    @Test func overHTTP2ARangeA304AndAForeignAuthorityBehaveAsOverHTTP1() async throws {
        let fixture = try Fixture(["a.txt": "0123456789", "index.html": "<html><body>x</body></html>"])
        let swell = try fixture.start()
        let port = try await swell.port()
        let base = ["--cacert", fixture.caFile, "--http2"]
        let range = try await Self.curl(base + ["-r", "2-4", "-w", "\n%{http_code} %{http_version}", "https://127.0.0.1:\(port)/a.txt"])
        #expect(range.output == "234\n206 2", "\(range.output)")
        let head = try await Self.curl(base + ["-sI", "https://127.0.0.1:\(port)/a.txt"])
        let tag = try #require(head.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("etag:") }?.split(separator: " ").last)
        let revalidated = try await Self.curl(
            base + ["-H", "If-None-Match: \(tag)", "-w", "%{http_code} %{http_version}", "https://127.0.0.1:\(port)/a.txt"]
        )
        #expect(revalidated.output == "304 2", "\(revalidated.output)")
        let foreign = try await Self.curl(base + ["-H", "Host: evil.example", "-w", "\n%{http_code} %{http_version}", "https://127.0.0.1:\(port)/"])
        #expect(foreign.output.hasSuffix("\n403 2"), "\(foreign.output)")
        await Self.stop(swell)
    }

    @Test func anEventStreamOverHTTP2GetsTheReloadAndEndsAtShutdown() async throws {
        let fixture = try Fixture(["index.html": "<html><body>one</body></html>"])
        let swell = try fixture.start(["--https", "--wait", "30"])
        let port = try await swell.port()
        let stream = try SwellProcess(
            ["-sSN", "--http2", "--cacert", fixture.caFile, "-w", "\n[%{http_version}]", "https://127.0.0.1:\(port)/__swell/events"],
            executable: "/usr/bin/curl"
        )
        #expect(await eventually(within: .seconds(10)) { stream.output.contains("event: hello") })
        // A second stream whose client goes away is gone from the count at once.
        let leaving = try SwellProcess(
            ["-sSN", "--http2", "--cacert", fixture.caFile, "https://127.0.0.1:\(port)/__swell/events"],
            executable: "/usr/bin/curl"
        )
        #expect(await eventually(within: .seconds(10)) { leaving.output.contains("event: hello") })
        leaving.signal(SIGKILL)
        let dropped = await eventually(within: .seconds(3), every: .milliseconds(50)) {
            let status = try? await Self.curl(["--cacert", fixture.caFile, "https://127.0.0.1:\(port)/__swell/status"])
            return status?.output.contains("\"clients\":1,") == true
        }
        #expect(dropped, "the stream of a client that left still counts")
        try fixture.site.write("index.html", "<html><body>two</body></html>")
        #expect(await eventually(within: .seconds(10)) { stream.output.contains("event: reload") }, "\(stream.output)")
        #expect(stream.output.contains("\"/index.html\""))
        swell.signal(SIGINT)
        #expect(await swell.exitCode(within: 3) == 0)
        #expect(await stream.exitCode(within: 3) != nil, "the stream ends with the server")
        #expect(stream.output.hasSuffix("[2]"), "\(stream.output)")
    }

    @Test func theUsersOwnCertificateAndKeyAreServed() async throws {
        let fixture = try Fixture()
        let certificate = fixture.site.container.appendingPathComponent("own.pem").path
        let key = fixture.site.container.appendingPathComponent("own-key.pem").path
        let made = try SwellProcess(
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ],
            executable: "/usr/bin/openssl"
        )
        #expect(await made.exitCode(within: 20) == 0)
        let swell = try fixture.start(["--cert", certificate, "--key", key])
        let port = try await swell.port()
        let answer = try await Self.curl(["--cacert", certificate, "-w", "\n%{http_version}", "https://localhost:\(port)/"])
        #expect(answer.status == 0 && answer.output.hasSuffix("\n2"), "\(answer.output)")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder), "no CA is made for --cert")
        await Self.stop(swell)
        let unpaired = try await fixture.swell([fixture.site.root.path, "--cert", certificate])
        #expect(unpaired.status == 64 && unpaired.errors.contains("--key"), "\(unpaired.errors)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/certutil")))
    func trustAddsTheCAToTheUsersNSSDatabaseOnceAndUntrustRemovesIt() async throws {
        let fixture = try Fixture()
        let database = "sql:" + fixture.home + "/.pki/nssdb"
        let trusted = try await fixture.swell(["--trust"])
        #expect(trusted.status == 0, "\(trusted.output)\(trusted.errors)")
        #expect(trusted.output.contains("Chromium (\(fixture.home)/.pki/nssdb): trusted"), "\(trusted.output)")
        let listed = try SwellProcess(["-d", database, "-L"], executable: "/usr/bin/certutil")
        #expect(await listed.exitCode(within: 10) == 0)
        #expect(listed.output.contains("Swell local CA"), "\(listed.output)")
        let again = try await fixture.swell(["--trust"])
        #expect(again.output.contains("already trusted"), "idempotent: \(again.output)")
        // The banner no longer asks for --trust.
        let swell = try fixture.start()
        _ = try await swell.port()
        #expect(!swell.output.contains("run swell --trust"), "\(swell.output)")
        await Self.stop(swell)
        let removed = try await fixture.swell(["--untrust"])
        #expect(removed.status == 0 && removed.output.contains("removed"), "\(removed.output)")
        let after = try SwellProcess(["-d", database, "-L"], executable: "/usr/bin/certutil")
        _ = await after.exitCode(within: 10)
        #expect(!after.output.contains("Swell local CA"))
    }

    /// A WebSocket client over TLS (ALPN http/1.1, as Chromium opens one next to HTTP/2):
    /// the upgrade, one masked text frame, and whatever comes back within two seconds.
    static let webSocketOverTLS = #"""
        import socket, ssl, sys
        port, cafile, origin = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        context = ssl.create_default_context(cafile=cafile)
        context.set_alpn_protocols(["http/1.1"])
        tls = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
        tls.sendall((f"GET /ws HTTP/1.1\r\nHost: localhost:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode())
        tls.settimeout(2)
        received = b""
        try:
            # A client sends no frame before the server's answer (RFC 6455 4.1).
            while b"\r\n\r\n" not in received:
                chunk = tls.recv(4096)
                if not chunk: break
                received += chunk
            mask, payload = b"\x01\x02\x03\x04", b"over https"
            tls.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
            while b"echo: over https" not in received:
                chunk = tls.recv(4096)
                if not chunk: break
                received += chunk
        except socket.timeout:
            pass
        sys.stdout.write(received.decode("latin-1"))
        """#

    @Test func theProxyItsRedirectsAndItsWebSocketsWorkOverHTTPS() async throws {
        let backend = try await FlaskBackend()
        let fixture = try Fixture(["templates/index.html": "<h1>t</h1>"])
        let swell = try fixture.start(["--https", "--proxy", "http://127.0.0.1:\(backend.port)"])
        let port = try await swell.port()
        let base = ["--cacert", fixture.caFile, "--http2"]
        let page = try await Self.curl(base + ["-w", "\n%{http_version}", "https://localhost:\(port)/"])
        #expect(page.output.contains("/__swell/client.js") && page.output.hasSuffix("\n2"), "\(page.output)")
        let redirect = try await Self.curl(base + ["-sI", "https://localhost:\(port)/redirect"])
        #expect(redirect.output.lowercased().contains("location: https://localhost:\(port)/target"), "\(redirect.output)")
        let client = try SwellProcess(
            ["-c", Self.webSocketOverTLS, String(port), fixture.caFile, "https://localhost:\(port)"],
            executable: "/usr/bin/python3"
        )
        #expect(await client.exitCode(within: 15) == 0, "\(client.errorOutput)")
        #expect(client.output.hasPrefix("HTTP/1.1 101 "), "\(client.output)")
        #expect(client.output.contains("echo: over https"))
        // The plain-HTTP page's origin is not this one: refused before the backend hears of it.
        let foreign = try SwellProcess(
            ["-c", Self.webSocketOverTLS, String(port), fixture.caFile, "http://localhost:\(port)"],
            executable: "/usr/bin/python3"
        )
        _ = await foreign.exitCode(within: 15)
        #expect(foreign.output.hasPrefix("HTTP/1.1 403 "), "\(foreign.output)")
        await Self.stop(swell)
        await backend.stop()
    }
}

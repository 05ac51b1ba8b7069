import Foundation
import SwellTestSupport
import Testing

/// `Tests/Fixtures/backend/backend.py`, a real Flask app on 127.0.0.1, started for one test and
/// stopped by pid when it goes away (`SwellProcess` owns the child).
struct FlaskBackend {
    let process: SwellProcess
    let port: Int
    /// Holds the certificate and key of a `tls` backend (removed with it); nil for plain HTTP.
    let certificates: TemporarySite?

    struct BackendError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts the backend on `port` (0: any free port); `titleFile` is read by `/` on each
    /// request. `script` is a file in `Tests/Fixtures/backend/`: `hostile.py` misbehaves.
    ///
    /// `tls`: serve https:// with a self-signed certificate made by `openssl` for 127.0.0.1.
    init(port: Int = 0, titleFile: String? = nil, script name: String = "backend.py", tls: Bool = false) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/backend/\(name)").path
        // `env` execs python3 in its own place, so the pid stopped is the backend's.
        var environment: [String: String]?
        if tls {
            let site = try TemporarySite([:])
            let folder = site.container.path
            let made = try SwellProcess(
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
                ],
                executable: "/usr/bin/env"
            )
            guard await made.exitCode(within: 20) == 0 else { throw BackendError("openssl could not make a certificate: \(made.errorOutput)") }
            environment = ProcessInfo.processInfo.environment.merging(["BACKEND_CERT": folder + "/cert.pem", "BACKEND_KEY": folder + "/key.pem"]) {
                $1
            }
            certificates = site
        } else {
            certificates = nil
        }
        process = try SwellProcess(
            ["python3", "-u", script, String(port)] + (titleFile.map { [$0] } ?? []),
            environment: environment,
            executable: "/usr/bin/env"
        )
        let printed = await eventually(within: .seconds(20)) { [process] () -> Int? in
            process.output.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) }
        }
        self.port = try #require(printed, "the backend did not start: \(process.errorOutput)")
    }

    /// How many requests the backend has seen, `/count` itself not included.
    func requestCount() async throws -> Int {
        let answer = try await RawHTTPClient(port: port).get("/count")
        return try #require(Int(answer.text))
    }

    func stop() async {
        process.signal(SIGKILL)
        _ = await process.exitCode(within: 10)
    }
}

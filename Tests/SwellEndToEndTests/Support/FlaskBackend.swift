import Foundation
import SwellTestSupport
import Testing

/// `Tests/Fixtures/backend/backend.py`, a real Flask app on 127.0.0.1, started for one test and
/// stopped by pid when it goes away (`SwellProcess` owns the child).
struct FlaskBackend {
    let process: SwellProcess
    let port: Int

    /// Starts the backend on `port` (0: any free port); `titleFile` is read by `/` on each
    /// request. `script` is a file in `Tests/Fixtures/backend/`: `hostile.py` misbehaves.
    init(port: Int = 0, titleFile: String? = nil, script name: String = "backend.py") async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/backend/\(name)").path
        // `env` execs python3 in its own place, so the pid stopped is the backend's.
        process = try SwellProcess(["python3", "-u", script, String(port)] + (titleFile.map { [$0] } ?? []), executable: "/usr/bin/env")
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

import Foundation
import SwellTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `swell` binary running as a child process, with its output collected.
/// Always stopped: a test that forgets is cleaned up with SIGKILL when this goes away.
final class SwellProcess: Sendable {
    private let process: Process
    private let stdout = Shared<String>("")
    private let stderr = Shared<String>("")
    private let exitStatus = Shared<Int32?>(nil)
    /// How many of stdout and stderr have reached end of file: the exit is seen before the
    /// last bytes are read, so `exitCode` waits for both to be drained too.
    private let drained = Shared<Int>(0)
    /// Where stdout and stderr go instead of the pipes, as with `swell … > FILE 2>&1`.
    private let outputFile: String?

    /// Launches `swell arguments…` (or `executable arguments…`) with an optional environment
    /// override; with `outputFile`, its stdout and stderr are appended to that file.
    init(
        _ arguments: [String],
        environment: [String: String]? = nil,
        prefix: [String] = [],
        in directory: String? = nil,
        executable: String? = nil,
        outputFile: String? = nil
    ) throws {
        self.outputFile = outputFile
        var prefix = prefix
        if let outputFile {
            precondition(prefix.isEmpty && executable == nil, "outputFile redirects swell itself")
            // sh runs `swell ARGUMENTS…` ($0 and $@) with both streams on the file.
            prefix = ["/bin/sh", "-c", "exec \"$0\" \"$@\" >> '\(outputFile)' 2>&1"]
        }
        process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if prefix.isEmpty {
            process.executableURL = URL(fileURLWithPath: try executable ?? Self.binary())
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [try Self.binary()] + arguments
        }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exitStatus = self.exitStatus
        process.terminationHandler = { finished in exitStatus.value.withLock { $0 = finished.terminationStatus } }
        try process.run()
        Self.collect(out.fileHandleForReading, into: stdout, drained: drained)
        Self.collect(err.fileHandleForReading, into: stderr, drained: drained)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var output: String { outputFile.map { Self.contents(of: $0) } ?? stdout.value.withLock { $0 } }
    var errorOutput: String { outputFile.map { Self.contents(of: $0) } ?? stderr.value.withLock { $0 } }

    private static func contents(of file: String) -> String {
        (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }
    var pid: Int32 { process.processIdentifier }

    /// The first stdout line that contains `http://` (or `https://`), as the SPEC promises tools.
    func baseURL(timeout: TimeInterval = 20) async throws -> String {
        let line = try await waitFor(timeout: timeout) {
            $0.output.split(separator: "\n").first { $0.contains("http://") || $0.contains("https://") }.map(String.init)
        }
        let start = try #require(line.range(of: "http://") ?? line.range(of: "https://"))
        return String(line[start.lowerBound...].prefix { !$0.isWhitespace })
    }

    /// The port of the base URL.
    func port(timeout: TimeInterval = 20) async throws -> Int {
        let url = try await baseURL(timeout: timeout)
        return try #require(URL(string: url)?.port)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The exit status once the process ends, or nil after `timeout`. Its output is read to
    /// the end first (for up to 2 s more: a child that kept the pipes open does not hang a test).
    func exitCode(within timeout: TimeInterval) async -> Int32? {
        guard let status = try? await waitFor(timeout: timeout, { $0.exitStatus.value.withLock { $0 } }) else { return nil }
        _ = try? await waitFor(timeout: 2) { $0.drained.value.withLock { $0 == 2 ? true : nil } }
        return status
    }

    /// Polls `condition` every 20 ms until it yields a value; throws after `timeout`.
    private func waitFor<T>(timeout: TimeInterval, _ condition: (SwellProcess) -> T?) async throws -> T {
        if let value = await eventually(within: .seconds(timeout), every: .milliseconds(20), { condition(self) }) { return value }
        throw ProcessError.timedOut(stdout: output, stderr: errorOutput)
    }

    private static func collect(_ handle: FileHandle, into buffer: Shared<String>, drained: Shared<Int>) {
        Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty {
                    drained.value.withLock { $0 += 1 }
                    return
                }
                buffer.value.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }.start()
    }

    /// The `swell` executable next to this test bundle (or `$SWELL_BINARY`).
    static func binary() throws -> String {
        if let override = ProcessInfo.processInfo.environment["SWELL_BINARY"] { return override }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("swell").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        let packageBuild = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/swell").path
        if FileManager.default.isExecutableFile(atPath: packageBuild) { return packageBuild }
        throw ProcessError.noBinary
    }

    enum ProcessError: Error, CustomStringConvertible {
        case timedOut(stdout: String, stderr: String)
        case noBinary
        var description: String {
            switch self {
            case .timedOut(let out, let err): "timed out; stdout: \(out) stderr: \(err)"
            case .noBinary: "the swell binary was not found next to the tests; run swift build first or set SWELL_BINARY"
            }
        }
    }
}

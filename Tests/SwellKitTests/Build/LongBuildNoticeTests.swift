import Foundation
import Logging
import SwellTestSupport
import Synchronization
import Testing

@testable import SwellKit

/// A log handler that keeps every message, for asserting on what the terminal would show.
final class CapturedLog: Sendable {
    let messages = Mutex<[String]>([])

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.messages.withLock { $0.append(event.message.description) }
        }
    }

    var logger: Logger { Logger(label: "swell.test") { _ in Handler(log: self) } }
    var text: String { messages.withLock { $0.joined(separator: "\n") } }
}

@Suite struct LongBuildNoticeTests {
    /// `--exec` wants a command that exits: a first build still running after the notice time
    /// is reported once, and status still says running.
    @Test func aFirstBuildThatKeepsRunningIsReportedOnce() async throws {
        let site = try TemporarySite()
        var configuration = SwellConfiguration(root: site.root.path + "/out")
        configuration.port = 0
        var build = BuildSettings(command: "sleep 5", projectFolder: site.root.path)
        build.longRunNotice = .milliseconds(200)
        configuration.build = build
        let log = CapturedLog()
        let server = try SwellServer(configuration: configuration, logger: log.logger)
        let running = Task { try await server.run(logger: log.logger) { _ in } }
        let noticed = await eventually(within: .seconds(5)) { log.text.contains("--exec wants a command that exits") }
        #expect(noticed, "\(log.text)")
        #expect(server.status.build?.state == .running)
        let again = await eventually(within: .milliseconds(400)) { log.text.components(separatedBy: "wants a command that exits").count > 2 }
        #expect(!again, "reported once: \(log.text)")
        await server.stop()
        try await running.value
    }
}

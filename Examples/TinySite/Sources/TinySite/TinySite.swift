import Foundation
import SwellKit

/// `TinySite [FOLDER] [PORT]`: renders FOLDER/content/*.md into FOLDER/Output, serves it with
/// Swell's live reload, and re-renders on every change, telling Swell what changed or what broke.
@main
struct TinySite {
    /// One line to stdout, unbuffered: a script reads the URL as soon as it is printed, also through a pipe.
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let folder = URL(fileURLWithPath: arguments.first ?? FileManager.default.currentDirectoryPath)
        let site = Site(folder: folder)
        let first = site.render()
        if case .failure(let error) = first { say(error.text) }

        var configuration = SwellConfiguration(root: site.output.path)
        configuration.port = arguments.dropFirst().first.flatMap { Int($0) } ?? 5000
        configuration.portIsExplicit = true
        // TinySite says what it changed: Swell must not also watch Output/, or pages would hear twice.
        configuration.watchesRoot = false
        let server = try SwellServer(configuration: configuration)
        if case .failure(let error) = first { server.buildFailed(output: error.text, diagnostics: [error.diagnostic], exitStatus: 1) }

        let watcher = Task {
            var seen = site.stamps()
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                let now = site.stamps()
                guard now != seen else { continue }
                let changes = Set(now.keys).union(seen.keys).filter { now[$0] != seen[$0] }.sorted().map { "content/" + $0 }
                seen = now
                let started = ContinuousClock.now
                server.buildStarted(changes: changes)
                let result = site.render()
                let elapsed = ContinuousClock.now - started
                let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                switch result {
                case .success(let changed):
                    say("rendered \(changed.count) page(s)")
                    server.buildSucceeded(changedOutputPaths: changed, milliseconds: milliseconds)
                case .failure(let error):
                    say(error.text)
                    server.buildFailed(output: error.text, diagnostics: [error.diagnostic], exitStatus: 1, milliseconds: milliseconds)
                }
            }
        }
        try await server.run { listening in
            say("TinySite: \(listening.baseURL)")
        }
        watcher.cancel()
    }
}

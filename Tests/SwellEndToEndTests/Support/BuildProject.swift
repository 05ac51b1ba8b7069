import Foundation
import SwellTestSupport

/// A project whose build is a shell script: it copies `src/*` to `out/` one file at a time with
/// pauses (so a batch taken mid-build would show), records each run's start and end in a log
/// outside the project, sleeps as long as `control/slow` says, and fails while `src/fail` exists,
/// printing a diagnostic with markup in it.
final class BuildProject: Sendable {
    let site: TemporarySite
    /// The current folder of `swell` and its build.
    var folder: String { site.root.path }
    /// Outside the project: nothing written here is a source.
    var control: String { site.container.appendingPathComponent("control").path }

    static let script = """
        #!/bin/sh
        echo "start $$" >> CONTROL/runs.log
        printf '%s' "$SWELL_CHANGED" > CONTROL/changed.$(grep -c '^start' CONTROL/runs.log)
        [ -f CONTROL/slow ] && sleep "$(cat CONTROL/slow)"
        [ -f CONTROL/child ] && { sleep 60 & echo $! > CONTROL/child.pid; }
        mkdir -p out
        for file in src/*; do cp "$file" out/; sleep 0.05; done
        if [ -f src/fail ]; then
            echo "building the page"
            echo "src/page.html:2:5: error: <b>unclosed</b> tag"
            echo "end $$ failed" >> CONTROL/runs.log
            exit 3
        fi
        echo "end $$" >> CONTROL/runs.log
        """

    init(files: [String: String]) throws {
        site = try TemporarySite()
        try FileManager.default.createDirectory(atPath: control, withIntermediateDirectories: true)
        try site.write("build.sh", Self.script.replacingOccurrences(of: "CONTROL", with: control))
        chmod(site.root.appendingPathComponent("build.sh").path, 0o755)
        for (path, text) in files { try site.write("src/" + path, text) }
    }

    /// The run log: "start PID" and "end PID [failed]" lines.
    var runs: [String] {
        ((try? String(contentsOfFile: control + "/runs.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    var finishedRuns: Int { runs.filter { $0.hasPrefix("end") }.count }
    var startedRuns: Int { runs.filter { $0.hasPrefix("start") }.count }

    /// `SWELL_CHANGED` of run `n` (from 1).
    func changed(inRun n: Int) -> String? {
        try? String(contentsOfFile: control + "/changed.\(n)", encoding: .utf8)
    }

    func setSlow(_ seconds: Double?) throws {
        if let seconds {
            try String(seconds).write(toFile: control + "/slow", atomically: true, encoding: .utf8)
        } else {
            try? FileManager.default.removeItem(atPath: control + "/slow")
        }
    }

    func write(_ path: String, _ text: String) throws { try site.write(path, text) }

    func remove(_ path: String) throws { try FileManager.default.removeItem(at: site.root.appendingPathComponent(path)) }

    /// Whether the `swell --exec` on `port` has finished its first build and published that
    /// build's batch, within `timeout`. Status says `ok` a moment before the batch goes out, and a
    /// stream opened in between would take the first build's reload for the next edit's. A
    /// fresh project's first build makes every file, so there always is a batch to wait for.
    static func firstBuildIsOut(port: Int, within timeout: Duration) async -> Bool {
        await eventually(within: timeout) {
            guard let status = try? await RawHTTPClient(port: port).get("/__swell/status", timeout: 2).text else { return false }
            return status.contains("\"state\":\"ok\"") && !status.contains("\"lastEventId\":null")
        }
    }

    /// Starts `swell out --exec ./build.sh` in the project, its output appended to
    /// `outputFile` if one is given.
    func serve(_ extra: [String] = [], outputFile: String? = nil) throws -> SwellProcess {
        try SwellProcess(["out", "-p", "0", "--exec", "./build.sh"] + extra, in: folder, outputFile: outputFile)
    }
}

import Foundation
import Logging

/// `--open`: hands the URL to the desktop's browser through `xdg-open`. A machine without one
/// (a container, SSH) gets a warning, never an exit.
enum BrowserLauncher {
    static func open(_ url: String, logger: Logger) {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let opener = paths.map({ "\($0)/xdg-open" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            logger.warning("--open: xdg-open is not installed, so no browser was opened; visit \(url) yourself (or apt-get install xdg-utils)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            logger.warning("--open: could not start xdg-open (\(error)); visit \(url) yourself")
        }
    }
}

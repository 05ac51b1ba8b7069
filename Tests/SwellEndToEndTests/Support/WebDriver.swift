import Foundation
import SwellTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium driven through chromedriver's W3C WebDriver protocol: plain JSON over
/// HTTP on 127.0.0.1, so no client library is needed. One chromedriver and one browser
/// session per instance; `quit()` stops both.
final class WebDriver: Sendable {
    let port: Int
    let session: String
    private let driver: Process

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    }

    /// `environment` is chromedriver's and so the browser's: a `HOME` with its own NSS database, say.
    init(environment: [String: String]? = nil) async throws {
        port = try Self.freePort()
        driver = Process()
        if let environment { driver.environment = environment }
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        driver.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        // Wait (bounded) until chromedriver answers.
        let port = self.port
        let ready = await eventually(within: .seconds(10), every: .milliseconds(100)) {
            (try? await Self.request(port: port, "GET", "/status", nil))?.contains("\"ready\":true") == true
        }
        guard ready else {
            kill(driver.processIdentifier, SIGKILL)
            throw WebDriverError.failed("chromedriver did not start")
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"],
                    ],
                ]
            ]
        ]
        let answer = try await Self.json(port: port, "POST", "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            kill(driver.processIdentifier, SIGKILL)
            throw WebDriverError.failed("no session: \(answer)")
        }
        session = id
    }

    /// Runs `body` with a new browser on the pages of `swell`, then quits the browser and stops
    /// `swell` (SIGINT when `body` returned, SIGKILL when it threw).
    static func session(on swell: SwellProcess, environment: [String: String]? = nil, _ body: (WebDriver) async throws -> Void) async throws {
        let browser = try await WebDriver(environment: environment)
        do {
            try await body(browser)
        } catch {
            await browser.quit()
            swell.signal(SIGKILL)
            throw error
        }
        await browser.quit()
        swell.signal(SIGINT)
        _ = await swell.exitCode(within: 5)
    }

    func quit() async {
        _ = try? await Self.request(port: port, "DELETE", "/session/\(session)", nil)
        // The session (and its browser) is gone; chromedriver ignores SIGTERM while idle, so SIGKILL.
        kill(driver.processIdentifier, SIGKILL)
        // Bounded: Foundation's waitUntilExit can wait on a run loop nobody drives here.
        let driver = self.driver
        await eventually(within: .seconds(2), every: .milliseconds(20)) { !driver.isRunning }
    }

    func open(_ url: String) async throws {
        _ = try await Self.json(port: port, "POST", "/session/\(session)/url", ["url": url])
    }

    /// Opens a new tab, makes it current and loads `url` in it; returns its handle.
    @discardableResult
    func openTab(_ url: String) async throws -> String {
        let answer = try await Self.json(port: port, "POST", "/session/\(session)/window/new", ["type": "tab"])
        guard let value = answer["value"] as? [String: Any], let handle = value["handle"] as? String else {
            throw WebDriverError.failed("no new tab: \(answer)")
        }
        try await switchTo(handle)
        try await open(url)
        return handle
    }

    /// The current tab's handle.
    func currentTab() async throws -> String {
        let answer = try await Self.json(port: port, "GET", "/session/\(session)/window", [:])
        guard let handle = answer["value"] as? String else { throw WebDriverError.failed("no current tab: \(answer)") }
        return handle
    }

    func switchTo(_ handle: String) async throws {
        _ = try await Self.json(port: port, "POST", "/session/\(session)/window", ["handle": handle])
    }

    /// Closes the current tab (another must be switched to afterwards).
    func closeTab() async throws {
        _ = try await Self.json(port: port, "DELETE", "/session/\(session)/window", [:])
    }

    /// How long a navigation may take before it fails (chromedriver's default is 300 s).
    func setPageLoadTimeout(_ timeout: Duration) async throws {
        _ = try await Self.json(port: port, "POST", "/session/\(session)/timeouts", ["pageLoad": Int(timeout.components.seconds * 1000)])
    }

    func back() async throws {
        _ = try await Self.json(port: port, "POST", "/session/\(session)/back", [:])
    }

    /// Runs `script` (a function body that returns a value) in the page.
    func run(_ script: String) async throws -> Any? {
        let answer = try await Self.json(port: port, "POST", "/session/\(session)/execute/sync", ["script": script, "args": [Any]()])
        return answer["value"]
    }

    /// Polls `script` every 50 ms until it returns true; false after `timeout`.
    func waitUntil(_ script: String, timeout: Duration = .seconds(15)) async throws -> Bool {
        await eventually(within: timeout, every: .milliseconds(50)) {
            (try? await run(script)) as? Bool == true
        }
    }

    // MARK: HTTP

    static func json(port: Int, _ method: String, _ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let text = try await request(port: port, method, path, data)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw WebDriverError.failed("not JSON: \(text)")
        }
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw WebDriverError.failed("\(error): \(value["message"] ?? "")")
        }
        return object
    }

    static func request(port: Int, _ method: String, _ path: String, _ body: Data?) async throws -> String {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let raw = try await HTTP.exchangeFramed(port: port, head + "\r\n" + String(decoding: body ?? Data(), as: UTF8.self))
        guard let split = raw.range(of: "\r\n\r\n") else { throw WebDriverError.failed("no answer") }
        var payload = String(raw[split.upperBound...])
        if raw[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked") {
            payload = String(decoding: RawHTTPClient.decodeChunked(Array(payload.utf8)), as: UTF8.self)
        }
        return payload
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw WebDriverError.failed("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    enum WebDriverError: Error, CustomStringConvertible {
        case failed(String)
        var description: String {
            switch self {
            case .failed(let why): "WebDriver: \(why)"
            }
        }
    }
}

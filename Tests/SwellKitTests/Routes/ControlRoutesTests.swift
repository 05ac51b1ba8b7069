import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct ControlRoutesTests {
    @Test(
        arguments: [
            (["Origin": "http://evil.com"], 403), (["Sec-Fetch-Site": "cross-site"], 403), (["Origin": "null"], 403),
            (["Origin": "http://localhost:1"], 403), (["Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"], 403),
            ([:], 200),
        ] as [([String: String], Int)]
    )
    func reloadRefusesOtherOrigins(headers: [String: String], status: Int) async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            var headers = headers
            headers["Content-Type"] = "text/plain"
            let response = try await client.get("/__swell/reload", method: "POST", headers: headers)
            #expect(response.status == status)
            #expect(response.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func reloadFromTheSameOriginIsAccepted() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get(
                "/__swell/reload",
                method: "POST",
                headers: ["Origin": "http://127.0.0.1:\(client.port)", "Sec-Fetch-Site": "same-origin"],
                host: "127.0.0.1:\(client.port)"
            )
            #expect(response.status == 200)
            #expect(try await client.get("/__swell/reload").status == 405)
        }
    }

    @Test func statusReportsTheSPECFields() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let stream = try await client.openStream("/__swell/events")
            _ = try await stream.waitFor("\"version\"")
            _ = try await client.get("/__swell/reload", method: "POST")
            let response = try await client.get("/__swell/status")
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(json["version"] as? String == SwellVersion.current)
            #expect(json["root"] as? String == site.root.path)
            #expect(json["watcher"] as? String == "inotify")
            #expect(json["clients"] as? Int == 1)
            #expect(json["browsers"] as? Int == 1)
            #expect(json["pages"] as? Int == 1)
            #expect(json["streamsOpened"] as? Int == 1)
            #expect((json["lastEventId"] as? String)?.hasSuffix(".1") == true)
            #expect(json["watchCount"] is Int)
            #expect(json["uptimeSeconds"] is Double)
        }
    }

    @Test func clientScriptIsServedFromMemory() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get("/__swell/client.js")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(response.text.contains("/__swell/events"))
            #expect(response.body == ClientScript.page.bytes)
        }
    }

    @Test func workerScriptIsServedFromMemory() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let response = try await client.get("/__swell/worker.js")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(response.body == ClientScript.worker.bytes)
            #expect(response.text.contains("/__swell/events"))
            let etag = try #require(response.header("ETag"))
            #expect(etag != ClientScript.page.etag)
            #expect(try await client.get("/__swell/worker.js", headers: ["If-None-Match": etag]).status == 304)
        }
    }

    /// The page and the worker carry one copy of the stream code each, and the extensions that
    /// make an `update` as the server decides them.
    @Test(arguments: ["/__swell/client.js", "/__swell/worker.js"])
    func bothScriptsShareTheStreamCodeAndTheServersUpdateExtensions(path: String) async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let text = try await client.get(path).text
            #expect(text.components(separatedBy: "function openStream(").count == 2)
            #expect(!text.contains("@swell-shared"))
            #expect(text.contains(#"var SWELL_STYLESHEETS = ["css"];"#))
            let images = ChangeSet.imageExtensions.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            #expect(text.contains("var SWELL_IMAGES = [\(images)];"))
            #expect(images.contains("\"webp\""))
        }
    }

    @Test func aSharedStreamReportsThePagesItServes() async throws {
        let site = try TemporarySite(["index.html": "x"])
        try await withRunningServer(site) { client in
            let stream = try await client.openStream("/__swell/events?pages=2")
            let hello = try await stream.waitFor("\"last\"")
            #expect(hello.contains("\"client\":1,"))
            let origin = ["Origin": "http://127.0.0.1:\(client.port)", "Sec-Fetch-Site": "same-origin"]
            let report = try await client.get("/__swell/pages?client=1&pages=20", method: "POST", headers: origin, host: "127.0.0.1:\(client.port)")
            #expect(report.status == 204)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(try await client.get("/__swell/status").body)) as? [String: Any])
            #expect(json["browsers"] as? Int == 1)
            #expect(json["pages"] as? Int == 20)
            // Another site cannot inflate it, an unknown stream is 404, nonsense is 400.
            let foreign = try await client.get("/__swell/pages?client=1&pages=5", method: "POST", headers: ["Origin": "http://evil.example"])
            #expect(foreign.status == 403)
            #expect(try await client.get("/__swell/pages?client=99&pages=5", method: "POST").status == 404)
            #expect(try await client.get("/__swell/pages?client=x", method: "POST").status == 400)
            #expect(try await client.get("/__swell/pages?client=1&pages=5").status == 405)
        }
    }

    @Test func noReloadTurnsEverythingOff() async throws {
        let site = try TemporarySite(["index.html": "<body>x</body>"])
        try await withRunningServer(site, configure: { $0.liveReload = false }) { client in
            for path in ["/__swell/events", "/__swell/client.js", "/__swell/worker.js", "/__swell/status"] {
                let response = try await client.get(path)
                #expect(response.status == 404, "\(path)")
            }
            let reload = try await client.get("/__swell/reload", method: "POST")
            #expect(reload.status == 404)
            let page = try await client.get("/")
            #expect(page.text == "<body>x</body>")
        }
    }
}

/// The small HTML pages Swell writes itself: the plain 404 (when ROOT has no `404.html`)
/// and the 503 while ROOT is missing. Both get the live-reload client like any page, so a
/// tab showing one comes back by itself once there is something to show.
package enum StatusPage {
    static func notFound(urlPath: String) -> String {
        page(
            title: "404 Not Found",
            body: "<p>Nothing is served at <code>\(HTMLEscaping.escape(urlPath))</code>.</p>\n<p><a href=\"/\">Go to the site root</a></p>"
        )
    }

    /// No path in it: a LAN peer (`--host 0.0.0.0`) has no business learning where ROOT lives.
    static let rootMissing = page(
        title: "503 Folder Missing",
        body: "<p>The folder Swell serves was deleted or renamed. This page reloads as soon as it is back.</p>"
    )

    /// The same with `--exec`, where the build makes the folder: after a failed first build
    /// "deleted or renamed" would send the user looking for the wrong thing.
    static let rootNotBuilt = page(
        title: "503 Not Built Yet",
        body: "<p>The build has not made the folder Swell serves (yet, or again). This page reloads as soon as it is there.</p>"
    )

    /// `--proxy`'s backend did not answer: what failed and where, and that the page comes back
    /// by itself. Only the URL the user gave is named, never a path on disk.
    package static func backendDown(url: String, reason: String) -> String {
        page(
            title: "502 Backend Not Answering",
            body: """
                <p>\(HTMLEscaping.escape(reason)): is your app running on <code>\(HTMLEscaping.escape(url))</code>?</p>
                <p>This page reloads by itself as soon as the backend answers again.</p>
                """
        )
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>\(title)</title>
        <style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;color:#1f2328}code{word-break:break-all}</style>
        </head>
        <body>
        <h1>\(title)</h1>
        \(body)
        </body>
        </html>

        """
    }
}

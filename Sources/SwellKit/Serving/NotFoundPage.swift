/// The plain page answered with `404` when ROOT has no `404.html`.
public enum NotFoundPage {
    public static func html(urlPath: String) -> String {
        let path = HTMLEscaping.escape(urlPath)
        return """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>404 Not Found</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;color:#1f2328}code{word-break:break-all}</style>
            </head>
            <body>
            <h1>404 Not Found</h1>
            <p>Nothing is served at <code>\(path)</code>.</p>
            <p><a href="/">Go to the site root</a></p>
            </body>
            </html>

            """
    }
}

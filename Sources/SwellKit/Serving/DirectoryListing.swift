#if canImport(Glibc)
    import Glibc
#endif

/// The HTML page for a folder without `index.html`: folders first, then files, each
/// sorted by name; dotfiles and symlinks that leave ROOT are left out; every name is
/// escaped in text and percent-encoded (as `./name`) in links, so a file name can
/// neither inject markup nor turn a link into another scheme or host.
struct DirectoryListing: Sendable {
    struct Entry: Sendable, Equatable {
        let name: String
        let isFolder: Bool
        let size: Int
    }

    let urlPath: String
    let entries: [Entry]

    /// Reads the folder `folder` (opened at `relativePath` under `root`).
    init(folder: OpenFile, relativePath: String, urlPath: String, root: RootDirectory, isHidden: (FileStamp) -> Bool = { _ in false }) {
        self.urlPath = urlPath
        var entries: [Entry] = []
        let readable = openat(folder.descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if readable >= 0, let stream = fdopendir(readable) {
            defer { closedir(stream) }
            DirectoryEntries.forEach(in: stream) { name, _ in
                if name.hasPrefix(".") { return }
                let childPath = relativePath == "." ? name : relativePath + "/" + name
                // Opening through ROOT's descriptor both tells the kind and drops escaping symlinks.
                guard case .success(let child) = root.open(childPath), child.kind != .other, !isHidden(child.stamp) else { return }
                entries.append(Entry(name: name, isFolder: child.kind == .directory, size: child.size))
            }
        } else if readable >= 0 {
            close(readable)
        }
        self.entries = entries.sorted { lhs, rhs in
            if lhs.isFolder != rhs.isFolder { return lhs.isFolder }
            return lhs.name.lowercased() < rhs.name.lowercased()
        }
    }

    var html: String {
        let title = HTMLEscaping.escape(urlPath)
        var rows = ""
        if urlPath != "/" {
            rows += "<li class=\"up\"><a href=\"../\">../</a></li>\n"
        }
        for entry in entries {
            let href = "./" + URLPathEncoding.encodeSegment(entry.name) + (entry.isFolder ? "/" : "")
            let label = HTMLEscaping.escape(entry.name) + (entry.isFolder ? "/" : "")
            let size = entry.isFolder ? "" : "<span class=\"size\">\(Self.formatSize(entry.size))</span>"
            rows += "<li class=\"\(entry.isFolder ? "folder" : "file")\"><a href=\"\(HTMLEscaping.escape(href))\">\(label)</a>\(size)</li>\n"
        }
        if entries.isEmpty { rows += "<li class=\"empty\">This folder is empty.</li>\n" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Index of \(title)</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1f2328}
            h1{font-size:1.25rem;font-weight:600;word-break:break-all}
            ul{list-style:none;padding:0;border:1px solid #d0d7de;border-radius:6px}
            li{display:flex;justify-content:space-between;gap:1rem;padding:.4rem .8rem;border-top:1px solid #eaeef2}
            li:first-child{border-top:0} a{color:#0969da;text-decoration:none;word-break:break-all} a:hover{text-decoration:underline}
            .folder a{font-weight:600} .size,.empty{color:#656d76}
            </style>
            </head>
            <body>
            <h1>Index of \(title)</h1>
            <ul>
            \(rows)</ul>
            </body>
            </html>

            """
    }

    static func formatSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

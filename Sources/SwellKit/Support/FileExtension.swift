/// The extension of a file name or URL path, lowercased, without the dot; empty for none
/// (and for dotfiles such as `.env`). Content types, the `update` rule and clean URLs all
/// read it from here.
enum FileExtension {
    static func of(_ name: some StringProtocol) -> String {
        let last = name.lastIndex(of: "/").map { name[name.index(after: $0)...] } ?? name[...]
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return last[last.index(after: dot)...].lowercased()
    }
}

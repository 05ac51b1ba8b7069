import Foundation
import SwellTestSupport
import Testing

@testable import SwellKit

@Suite struct IgnoreRulesTests {
    @Test(arguments: [
        (".git/HEAD", true), ("a/.git/config", true), ("node_modules/x/y.js", true), (".build/debug/swell", true),
        ("page.html.swp", true), ("page.html.swx", true), ("page.html~", true), (".#page.html", true), ("#page.html#", true),
        ("4913", true), ("sub/4913", true), (".DS_Store", true), (".swiftpm/x", true), (".hg/x", true), (".svn/x", true),
        ("page.html", false), ("css/site.css", false), ("a4913", false), (".gitignore", false), ("gitx/y", false),
    ])
    func defaultsIgnoreEditorAndToolNoise(path: String, ignored: Bool) {
        let rules = IgnoreRules(root: "/nonexistent-root")
        #expect(rules.isIgnored(relativePath: path, isDirectory: false) == ignored)
    }

    static let gitignore = """
        # comment
        *.log
        !keep.log
        /build/
        dist
        docs/**/*.tmp
        **/cache/
        secret\\#.txt
        generated/*
        !generated/keep.css
        \\!bang
        trailing.txt   
        """

    @Test(arguments: [
        ("debug.log", false, true), ("a/b/debug.log", false, true), ("keep.log", false, false), ("a/keep.log", false, false),
        ("build", true, true), ("build/x.js", false, true), ("a/build/x.js", false, false), ("build", false, false),
        ("dist", false, true), ("a/dist/x", false, true), ("docs/a/b/c.tmp", false, true), ("docs/c.tmp", false, true),
        ("other/c.tmp", false, false), ("x/cache/y", false, true), ("cache/y", false, true), ("secret#.txt", false, true),
        ("generated/a.css", false, true), ("generated/keep.css", false, false), ("!bang", false, true), ("trailing.txt", false, true),
        ("index.html", false, false),
    ])
    func gitignorePatternsFollowGitSemantics(path: String, isDirectory: Bool, ignored: Bool) throws {
        let site = try TemporarySite([".gitignore": Self.gitignore])
        let rules = IgnoreRules(root: site.root.path)
        #expect(rules.isIgnored(relativePath: path, isDirectory: isDirectory) == ignored)
    }

    /// The walk asks about each entry of a folder it kept: one level must decide as every level does.
    @Test func anEntryOfAKeptFolderIsJudgedAsItsWholePathIs() throws {
        let site = try TemporarySite([".gitignore": Self.gitignore, "sub/.gitignore": "*.css\n!keep.css\n"])
        let rules = IgnoreRules(root: site.root.path, extraPatterns: ["*.bak"])
        let paths = [
            "debug.log", "keep.log", "a/b/debug.log", "build", "dist", "docs/a/c.tmp", "x/cache", "generated/a.css",
            "generated/keep.css", "sub/a.css", "sub/keep.css", "sub/deeper/a.css", "page.html", "a.bak", ".git", "sub/.#x",
        ]
        var compared = 0
        for path in paths {
            for isDirectory in [false, true] {
                let parent = path.split(separator: "/").dropLast().joined(separator: "/")
                guard parent.isEmpty || !rules.isIgnored(relativePath: parent, isDirectory: true) else { continue }
                compared += 1
                #expect(
                    rules.isIgnoredEntry(absolutePath: site.root.path + "/" + path, isDirectory: isDirectory)
                        == rules.isIgnored(relativePath: path, isDirectory: isDirectory),
                    "\(path) (folder: \(isDirectory))"
                )
            }
        }
        #expect(compared > 20)
    }

    @Test func nestedGitignoreAppliesBelowItsFolder() throws {
        let site = try TemporarySite(["sub/.gitignore": "*.css\n!keep.css\n", "sub/a.css": "", "a.css": ""])
        let rules = IgnoreRules(root: site.root.path)
        #expect(rules.isIgnored(relativePath: "sub/a.css", isDirectory: false))
        #expect(!rules.isIgnored(relativePath: "sub/keep.css", isDirectory: false))
        #expect(!rules.isIgnored(relativePath: "a.css", isDirectory: false))
    }

    @Test func aFileUnderAnIgnoredFolderCannotBeReincluded() throws {
        let site = try TemporarySite([".gitignore": "vendor/\n!vendor/app.js\n"])
        let rules = IgnoreRules(root: site.root.path)
        #expect(rules.isIgnored(relativePath: "vendor/app.js", isDirectory: false))
    }

    @Test func extraPatternsFromTheCommandLine() {
        let rules = IgnoreRules(root: "/nonexistent-root", extraPatterns: ["*.bak", "drafts/"])
        #expect(rules.isIgnored(relativePath: "a.bak", isDirectory: false))
        #expect(rules.isIgnored(relativePath: "drafts/post.html", isDirectory: false))
        #expect(!rules.isIgnored(relativePath: "post.html", isDirectory: false))
    }

    @Test(arguments: [
        ("resources/_gen/images/a.png", true), (".hugo_build.lock", true), (".jekyll-cache/x", true), (".jekyll-metadata", true),
        ("_build/doctrees/environment.pickle", true), ("docs/_build/doctrees/index.doctree", true),
        (".docusaurus/routes.js", true), ("site/.astro/types.d.ts", true), (".svelte-kit/generated/root.js", true),
        (".next/cache/x", true), (".nuxt/app.js", true), ("docs/.vitepress/cache/deps/a.js", true),
        ("docs/.vitepress/.temp/index.md.js", true), (".quarto/freeze/x", true), ("tsconfig.tsbuildinfo", true),
        (".mypy_cache/3.11/x.json", true), ("src/__pycache__/a.pyc", true),
        ("docs/index.md", false), ("_build/index.rst", false), ("docs/.vitepress/config.ts", false), ("src/next.js", false),
    ])
    func aBuildsOwnCachesAreNotSources(path: String, ignored: Bool) {
        let rules = IgnoreRules(root: "/project/out", project: "/project", sources: [])
        #expect(rules.isIgnored(absolutePath: "/project/" + path, isDirectory: false) == ignored)
        // The output folder keeps only the built-in rules: a build may well write a `.cache/` there.
        #expect(!rules.isIgnored(absolutePath: "/project/out/.cache/page.html", isDirectory: false))
    }

    @Test func swellsOwnLogIsIgnoredWhereverAWatchedFolderReachesIt() throws {
        let site = try TemporarySite(["logs/swell.log": "", "other/swell.log": ""])
        let real = URL(fileURLWithPath: site.path).resolvingSymlinksInPath().path
        let link = site.container.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: site.path)
        let own = IgnoreRules.ownFiles([real + "/logs/swell.log"], asSeenFrom: [link])
        #expect(own == [real + "/logs/swell.log", link + "/logs/swell.log"])
        let rules = IgnoreRules(root: link, ownFiles: own)
        #expect(rules.isIgnored(absolutePath: link + "/logs/swell.log", isDirectory: false))
        #expect(rules.isIgnoredEntry(absolutePath: link + "/logs/swell.log", isDirectory: false))
        #expect(!rules.isIgnored(absolutePath: link + "/other/swell.log", isDirectory: false))
        #expect(!rules.isIgnored(absolutePath: link + "/logs", isDirectory: true))
        // Outside every scope (a `--watch` folder) too.
        #expect(IgnoreRules(root: "/nonexistent-root", ownFiles: own).isIgnored(absolutePath: real + "/logs/swell.log", isDirectory: false))
    }

    @Test func changedGitignoreIsReread() throws {
        let site = try TemporarySite([".gitignore": "*.md\n"])
        let rules = IgnoreRules(root: site.root.path)
        #expect(rules.isIgnored(relativePath: "a.md", isDirectory: false))
        try site.write(".gitignore", "*.txt\n")
        rules.gitignoreChanged()
        #expect(!rules.isIgnored(relativePath: "a.md", isDirectory: false))
        #expect(rules.isIgnored(relativePath: "a.txt", isDirectory: false))
    }
}

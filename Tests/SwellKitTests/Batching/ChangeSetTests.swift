import Testing

@testable import SwellKit

/// A file system that answers from a list.
struct FakeProbe: ExistenceProbe {
    let existing: Set<String>
    func exists(_ path: String) -> Bool { existing.contains(path) }
}

@Suite struct ChangeSetTests {
    static let root = "/site"

    /// The raw events each editor save style produces (as inotify reports them), after ignore rules.
    static let saveStyles: [(String, [WatchEvent])] = [
        ("write in place", [.init(path: "/site/page.html", kind: .modified), .init(path: "/site/page.html", kind: .modified)]),
        (
            "write temp then rename over",
            [
                .init(path: "/site/.page.html.tmp123", kind: .created), .init(path: "/site/.page.html.tmp123", kind: .modified),
                .init(path: "/site/.page.html.tmp123", kind: .movedFrom), .init(path: "/site/page.html", kind: .movedTo),
            ]
        ),
        (
            "backup then write",
            [
                .init(path: "/site/page.html", kind: .movedFrom), .init(path: "/site/page.html", kind: .created),
                .init(path: "/site/page.html", kind: .modified),
            ]
        ),
        ("touch", [.init(path: "/site/page.html", kind: .modified)]),
        (
            "delete then recreate",
            [
                .init(path: "/site/page.html", kind: .deleted), .init(path: "/site/page.html", kind: .created),
                .init(path: "/site/page.html", kind: .modified),
            ]
        ),
    ]

    @Test(arguments: saveStyles)
    func everySaveStyleIsOneChangeOfTheRealFile(style: String, events: [WatchEvent]) {
        var batcher = ChangeBatcher<ContinuousClock>(quiet: .milliseconds(50))
        for event in events { batcher.record(event, now: .now) }
        let change = ChangeSet.reconcile(batcher.take(), root: Self.root, probe: FakeProbe(existing: ["/site/page.html"]))
        #expect(change == ChangeSet(paths: ["/page.html"]), "\(style)")
        #expect(change?.isUpdate == false)
    }

    @Test(arguments: [
        (["/site/a.css"], true), (["/site/a.css", "/site/img/b.png"], true), (["/site/x.JPG", "/site/i.svg", "/site/w.webp"], true),
        (["/site/f.avif", "/site/favicon.ico", "/site/g.gif", "/site/j.jpeg"], true), (["/site/a.css", "/site/a.js"], false),
        (["/site/index.html"], false), (["/site/data.json"], false),
    ])
    func onlyStylesheetsAndImagesAreAnUpdate(paths: [String], isUpdate: Bool) {
        let batch = RawBatch(paths: Dictionary(uniqueKeysWithValues: paths.map { ($0, PathHistory(appearedDuringBatch: false)) }))
        let change = ChangeSet.reconcile(batch, root: Self.root, probe: FakeProbe(existing: Set(paths)))
        #expect(change?.isUpdate == isUpdate)
    }

    @Test func aDeletedStylesheetMakesTheBatchAReload() {
        let batch = RawBatch(paths: ["/site/a.css": PathHistory(appearedDuringBatch: false), "/site/b.css": PathHistory(appearedDuringBatch: false)])
        let change = ChangeSet.reconcile(batch, root: Self.root, probe: FakeProbe(existing: ["/site/a.css"]))
        #expect(change?.paths == ["/a.css", "/b.css"])
        #expect(change?.hasDeletions == true)
        #expect(change?.isUpdate == false)
    }

    @Test func aTempFileThatCameAndWentIsNoChange() {
        let batch = RawBatch(paths: ["/site/.x.swp.tmp": PathHistory(appearedDuringBatch: true)])
        #expect(ChangeSet.reconcile(batch, root: Self.root, probe: FakeProbe(existing: [])) == nil)
    }

    @Test func pathsArePercentEncodedAsABrowserWritesThem() {
        let batch = RawBatch(paths: ["/site/my page/ça va.html": PathHistory(appearedDuringBatch: false)])
        let change = ChangeSet.reconcile(batch, root: Self.root, probe: FakeProbe(existing: ["/site/my page/ça va.html"]))
        #expect(change?.paths == ["/my%20page/%C3%A7a%20va.html"])
    }

    @Test func watchFoldersCarryFilesAndAlwaysReload() {
        let batch = RawBatch(paths: ["/templates/base.css": PathHistory(appearedDuringBatch: false)])
        let change = ChangeSet.reconcile(batch, root: Self.root, probe: FakeProbe(existing: ["/templates/base.css"]))
        #expect(change?.files == ["/templates/base.css"])
        #expect(change?.paths == [])
        #expect(change?.isUpdate == false)
        #expect(LiveEvent.change(change!, id: EventID(instance: "i", sequence: 1)).data == #"{"paths":[],"files":["/templates/base.css"]}"#)
    }

    @Test func overflowIsAReloadEvenWithNoPaths() {
        let change = ChangeSet.reconcile(RawBatch(paths: [:], overflowed: true), root: Self.root, probe: FakeProbe(existing: []))
        #expect(change != nil)
        #expect(change?.isUpdate == false)
    }
}

import CInotifyTools
import Testing

@testable import SwellKit

/// What each mask the kernel sends means, without a kernel.
@Suite struct InotifyMaskTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let mask: Int32
        let kind: WatchEvent.Kind?
        let isDirectory: Bool
        let settles: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "create", mask: IN_CREATE, kind: .created, isDirectory: false, settles: false),
        Row(name: "mkdir", mask: IN_CREATE | IN_ISDIR, kind: .created, isDirectory: true, settles: false),
        Row(name: "write", mask: IN_MODIFY, kind: .modified, isDirectory: false, settles: false),
        Row(name: "close after write", mask: IN_CLOSE_WRITE, kind: .modified, isDirectory: false, settles: true),
        Row(name: "touch", mask: IN_ATTRIB, kind: .modified, isDirectory: false, settles: true),
        Row(name: "delete", mask: IN_DELETE, kind: .deleted, isDirectory: false, settles: false),
        Row(name: "rmdir", mask: IN_DELETE | IN_ISDIR, kind: .deleted, isDirectory: true, settles: false),
        Row(name: "rename away", mask: IN_MOVED_FROM, kind: .movedFrom, isDirectory: false, settles: false),
        Row(name: "rename onto", mask: IN_MOVED_TO, kind: .movedTo, isDirectory: false, settles: true),
        Row(name: "folder moved in", mask: IN_MOVED_TO | IN_ISDIR, kind: .movedTo, isDirectory: true, settles: true),
        Row(name: "open", mask: IN_OPEN, kind: nil, isDirectory: false, settles: false),
        Row(name: "read", mask: IN_ACCESS, kind: nil, isDirectory: false, settles: false),
        Row(name: "close without a write", mask: IN_CLOSE_NOWRITE, kind: nil, isDirectory: false, settles: false),
    ]

    @Test(arguments: rows)
    func maskMeansTheChangeAUserMade(row: Row) {
        let change = InotifyMask.change(UInt32(bitPattern: row.mask))
        #expect(change?.kind == row.kind)
        if let change {
            #expect(change.isDirectory == row.isDirectory)
            #expect(change.settles == row.settles)
        }
    }

    @Test func overflowAndDroppedWatchesAreToldApartFromChanges() {
        #expect(InotifyMask.isOverflow(UInt32(IN_Q_OVERFLOW)))
        #expect(!InotifyMask.isOverflow(UInt32(IN_MODIFY)))
        #expect(InotifyMask.isIgnored(UInt32(IN_IGNORED)))
        #expect(!InotifyMask.isIgnored(UInt32(IN_DELETE)))
    }
}

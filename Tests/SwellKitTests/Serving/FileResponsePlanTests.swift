import HTTPTypes
import Testing

@testable import SwellKit

/// Validators, ranges and injection, decided on values: no file, no socket.
@Suite struct FileResponsePlanTests {
    static let stamp = FileStamp(device: 1, inode: 42, size: 100, modifiedNanoseconds: 1_700_000_000_123_456_789, changedNanoseconds: 0)
    static let tag = Array("<script></script>".utf8)

    func plan(
        _ headers: HTTPFields = [:],
        type: String = "text/plain; charset=utf-8",
        status: HTTPResponse.Status = .ok,
        injects: Bool = false,
        offset: Int? = 90
    ) -> FileResponsePlan {
        FileResponsePlan.make(
            stamp: Self.stamp,
            contentType: type,
            status: status,
            request: .init(headers: headers, injects: injects),
            baseHeaders: [.contentType: type],
            tag: Self.tag
        ) { offset }
    }

    func etag(injected: Bool = false) -> String { EntityTag(stamp: Self.stamp, variant: injected ? "swell" : nil).description }

    @Test func aWholeFileIsOneSegmentWithItsLengthAndValidators() {
        guard case .body(let status, let headers, let segments) = plan() else {
            Issue.record("not a body")
            return
        }
        #expect(status == .ok)
        #expect(segments == [.file(0...99)])
        #expect(headers[.contentLength] == "100")
        #expect(headers[.eTag] == etag())
        #expect(headers[.acceptRanges] == "bytes")
        #expect(headers[.lastModified] == HTTPDate.format(secondsSinceEpoch: Self.stamp.modifiedSeconds))
    }

    @Test func aMatchingETagIsNotModifiedWithoutAType() {
        guard case .notModified(let headers) = plan([.ifNoneMatch: etag()]) else {
            Issue.record("not a 304")
            return
        }
        #expect(headers[.contentType] == nil)
        #expect(headers[.eTag] == etag())
    }

    @Test func theInjectedVariantHasItsOwnTagSoAPlainRevalidationIsNot304() {
        let html = "text/html; charset=utf-8"
        guard case .body = plan([.ifNoneMatch: etag()], type: html, injects: true) else {
            Issue.record("answered 304 for the other variant")
            return
        }
        guard case .notModified = plan([.ifNoneMatch: etag(injected: true)], type: html, injects: true) else {
            Issue.record("not a 304")
            return
        }
    }

    @Test func anInjectedPageIsThreeSegmentsAndItsLengthCountsTheTag() {
        guard case .body(_, let headers, let segments) = plan(type: "text/html; charset=utf-8", injects: true, offset: 90) else {
            Issue.record("not a body")
            return
        }
        #expect(segments == [.file(0...89), .bytes(Self.tag), .file(90...99)])
        #expect(headers[.contentLength] == String(100 + Self.tag.count))
        #expect(headers[.acceptRanges] == nil, "HTML gets no ranges")
    }

    @Test func aPageThatAlreadyLoadsTheClientIsServedAsItIs() {
        guard case .body(_, let headers, let segments) = plan(type: "text/html; charset=utf-8", injects: true, offset: nil) else {
            Issue.record("not a body")
            return
        }
        #expect(segments == [.file(0...99)])
        #expect(headers[.contentLength] == "100")
    }

    @Test func aRangeIsPartialContentAndPastTheEndIsUnsatisfiable() {
        guard case .body(let status, let headers, let segments) = plan([.range: "bytes=-10"]) else {
            Issue.record("not a body")
            return
        }
        #expect(status == .partialContent)
        #expect(segments == [.file(90...99)])
        #expect(headers[.contentRange] == "bytes 90-99/100")
        guard case .unsatisfiable(let refused) = plan([.range: "bytes=200-"]) else {
            Issue.record("not a 416")
            return
        }
        #expect(refused[.contentRange] == "bytes */100")
    }

    @Test func anIfRangeForAnotherVersionGetsTheWholeFile() {
        guard case .body(let status, _, let segments) = plan([.range: "bytes=0-9", .ifRange: "\"other\""]) else {
            Issue.record("not a body")
            return
        }
        #expect(status == .ok)
        #expect(segments == [.file(0...99)])
    }

    @Test func theCustom404PageTakesNoValidatorOrRangeIntoAccount() {
        guard case .body(let status, _, let segments) = plan([.ifNoneMatch: etag(), .range: "bytes=0-9"], status: .notFound) else {
            Issue.record("not a body")
            return
        }
        #expect(status == .notFound)
        #expect(segments == [.file(0...99)])
    }
}

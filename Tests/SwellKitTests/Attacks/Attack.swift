import SwellTestSupport
import Testing

/// One published attack on a dev server, replayed against Swell: what is sent, and the
/// advisory or report it comes from (shown in the test's name).
struct Attack: Sendable, CustomTestStringConvertible {
    let target: String
    let source: String

    init(_ target: String, _ source: String) {
        self.target = target
        self.source = source
    }

    var testDescription: String { "\(target.debugDescription) (\(source))" }
}

/// What must never be in any response: the sentinel next to ROOT, and a line of /etc/passwd.
func expectNothingFromOutsideRoot(_ response: RawHTTPClient.Response, _ attack: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!response.rawText.contains(TemporarySite.sentinelText), "\(attack) leaked the sentinel", sourceLocation: sourceLocation)
    #expect(!response.rawText.contains("root:x:0:0"), "\(attack) leaked /etc/passwd", sourceLocation: sourceLocation)
    #expect(response.status != 500 && response.status != 0, "\(attack) got \(response.status)", sourceLocation: sourceLocation)
}

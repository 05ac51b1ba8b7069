import NIOCore
import NIOHTTP1

/// Replaces an absolute-form request target (`GET http://other/ HTTP/1.1`) with
/// ``AbsoluteFormHandler/marker`` before the HTTP-types codec sees it.
///
/// The codec keeps only the path of an absolute-form target, so by the time the responder
/// runs, `GET http://backend/admin` looks like `GET /admin` and would be served or forwarded.
/// Swell is never an open proxy: the marker is not a path, so the responder answers `400`.
/// Origin-form (`/…`) and asterisk-form (`*`) targets pass untouched; authority-form only
/// comes with `CONNECT`, which the responder refuses on its own.
final class AbsoluteFormHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// What the responder sees as the path of a request that came in absolute form.
    static let marker = "<absolute-form>"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), Self.isAbsoluteForm(head.uri) else {
            context.fireChannelRead(data)
            return
        }
        head.uri = Self.marker
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// `scheme ":"` at the start, as RFC 3986 spells a scheme: a letter, then letters,
    /// digits, `+`, `-` or `.`.
    static func isAbsoluteForm(_ target: String) -> Bool {
        var sawLetter = false
        for byte in target.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                sawLetter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if !sawLetter { return false }
            case UInt8(ascii: ":"):
                return sawLetter
            default:
                return false
            }
        }
        return false
    }
}

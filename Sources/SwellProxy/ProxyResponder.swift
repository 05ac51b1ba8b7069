import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SwellKit
import Synchronization

/// Answers a request from a backend (`--proxy`): the request goes on with its body streamed,
/// the answer comes back as it arrives, and an HTML page gets the client on its way through.
///
/// By the time a request gets here `SwellResponder` has run every security default on it.
/// Nothing is buffered but the at most 64 KiB an injection holds while it looks for `</head>`:
/// an event stream reaches the browser event by event, and a browser that leaves cancels the
/// backend request (its inbound close is watched, as for Swell's own streams).
struct ProxyResponder: BackendForwarder {
    let settings: ProxySettings
    let client: HTTPClient
    let health: BackendHealth
    let injection: InjectionPolicy
    let logger: Logger
    let warned = Warnings()

    init(settings: ProxySettings, client: HTTPClient, health: BackendHealth, injection: InjectionPolicy, logger: Logger) {
        self.settings = settings
        self.client = client
        self.health = health
        self.injection = injection
        self.logger = logger
    }

    package func respond(to request: Request, context: SwellRequestContext, upstream: ProxyUpstream) async -> Response {
        let target = request.head.path ?? "/"
        // `http`, or `https` behind TLS (`RequestSchemeHandler`): what `X-Forwarded-Proto` and rewritten locations say.
        let scheme = request.head.scheme ?? "http"
        let injects = injection.shouldInject(request) && request.method == .get
        let swellOrigin = scheme + "://" + (request.head.authority.map(Self.safeAuthority) ?? "localhost")
        var outgoing = HTTPClientRequest(url: upstream.scheme + "://" + upstream.authority + upstream.basePath + target)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers = ForwardedRequestHeaders.make(
            from: request.headers,
            host: request.head.authority,
            upstream: upstream,
            clientAddress: context.clientAddress,
            scheme: scheme,
            identityEncoding: injects
        )
        let hasBody = ForwardedRequestHeaders.carriesBody(request.headers)
        if hasBody {
            let length = request.headers[.contentLength].flatMap { Int64($0) }.map { HTTPClientRequest.Body.Length.known($0) } ?? .unknown
            outgoing.body = .stream(request.body, length: length)
        }
        health.forwarded(to: upstream)
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: TimeAmount(settings.timeout), logger: logger)
        } catch {
            return StatusResponse.response(
                backendDown(error, method: request.method, target: target, upstream: upstream, injects: injection.shouldInject(request))
            )
        }
        health.answered(by: upstream)
        let status = HTTPResponse.Status(code: Int(answer.status.code), reasonPhrase: answer.status.reasonPhrase)
        let (headers, chosen) = browserHeaders(status, answer.headers, injects: injects, target: target, swellOrigin: swellOrigin, upstream: upstream)
        let body = answer.body
        // Watching for the browser leaving consumes the request body, and Hummingbird closes a
        // watched connection once its answer is done; so only an answer that may go on without
        // end (an event stream, any body without a length) is watched, and the connection of a
        // page, a file or JSON is kept for the next request. A browser that leaves a body of
        // known length is noticed at the next write. A request with a body was already handed
        // to the client library, and cannot be watched.
        let watchesClose = !hasBody && request.method != .head && answer.headers["content-length"].isEmpty
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody { [chosen, request, target] writer in
                var transform = chosen.map { BodyTransform(plan: $0.plan, coding: $0.coding) } ?? BodyTransform()
                func relay() async throws {
                    for try await chunk in body {
                        for part in try transform.feed(chunk) { try await writer.write(part) }
                    }
                    for part in transform.finish() { try await writer.write(part) }
                }
                do {
                    if watchesClose {
                        try await request.body.consumeWithCancellationOnInboundClose { _ in try await relay() }
                    } else {
                        try await relay()
                    }
                } catch is CancellationError {
                    return
                }
                noteMetaPolicy(transform, target: target)
                try await writer.finish(nil)
            }
        )
    }

    /// The browser's headers for a backend answer's, and the injection its body gets (nil: none).
    func browserHeaders(
        _ status: HTTPResponse.Status,
        _ backendHeaders: HTTPHeaders,
        injects: Bool,
        target: String,
        swellOrigin: String,
        upstream: ProxyUpstream
    ) -> (HTTPFields, (plan: InjectionPlan, coding: ContentDecoder.Coding?)?) {
        var headers = BackendResponseHeaders.rewrite(backendHeaders, upstream: upstream, swellOrigin: swellOrigin)
        if injects, Self.isHTML(headers), status.code != 204, status.code != 304,
            case .inject(let plan, let coding) = plan(for: &headers, path: target, swellOrigin: swellOrigin)
        {
            return (headers, (plan, coding))
        }
        return (headers, nil)
    }

    /// The 502 page for a request the backend gave no answer to, said in the terminal too.
    func backendDown(
        _ error: any Error,
        method: HTTPRequest.Method,
        target: String,
        upstream: ProxyUpstream,
        injects: Bool
    ) -> (head: HTTPResponse, body: ByteBuffer?) {
        health.failed(upstream)
        let reason = Self.reason(for: error, timeout: settings.timeout)
        logger.warning("proxy: \(method) \(target) → \(upstream.displayURL): \(reason)")
        return StatusResponse.htmlParts(
            .badGateway,
            StatusPage.backendDown(url: upstream.displayURL, reason: reason),
            injection: injects ? .standard : nil,
            isHead: method == .head,
            headers: [.retryAfter: "1"]
        )
    }

    /// Says once per page that a `<meta>` policy may block the client.
    func noteMetaPolicy(_ transform: BodyTransform, target: String) {
        if transform.sawMetaPolicy, warned.first("meta \(target)") {
            logger.warning(
                "proxy: \(target) sets a Content-Security-Policy in a <meta> tag; Swell leaves it alone, so it may block live reload"
            )
        }
    }

    private enum Plan {
        case inject(InjectionPlan, ContentDecoder.Coding?)
        case skip
    }

    /// Decides how a backend's HTML answer is injected, and rewrites its headers to match.
    private func plan(for headers: inout HTTPFields, path: String, swellOrigin: String) -> Plan {
        var decoder: ContentDecoder.Coding?
        if let encoding = headers[.contentEncoding], encoding.trimmingWhitespace().lowercased() != "identity" {
            guard let coding = ContentDecoder.coding(for: encoding) else {
                return skip(&headers, reason: "Content-Encoding: \(encoding)", path: path)
            }
            decoder = coding
        }
        if headers[values: .cacheControl].contains(where: { $0.lowercased().contains("no-transform") }) {
            return skip(&headers, reason: "Cache-Control: no-transform", path: path)
        }
        var tag = InjectionPlan.standard
        let policies = headers[values: .contentSecurityPolicy]
        if !policies.isEmpty {
            let rule = ContentSecurityPolicyRewrite(origin: swellOrigin, nonce: Self.freshNonce())
            headers[.contentSecurityPolicy] = nil
            var needsNonce = false
            for policy in policies {
                let rewritten = rule.rewrite(policy)
                needsNonce = needsNonce || rewritten.needsNonce
                headers.append(HTTPField(name: .contentSecurityPolicy, value: rewritten.value))
            }
            if needsNonce { tag = InjectionPlan(tag: Array(#"<script src="/__swell/client.js" nonce="\#(rule.nonce)"></script>"#.utf8)) }
        }
        for name in [HTTPField.Name.contentLength, .eTag, .acceptRanges] { headers[name] = nil }
        if decoder != nil { headers[.contentEncoding] = nil }
        return .inject(tag, decoder)
    }

    private func skip(_ headers: inout HTTPFields, reason: String, path: String) -> Plan {
        headers[.swellInject] = "skipped (\(reason))"
        if warned.first("\(reason) \(path)") {
            logger.warning("proxy: \(path) is not injected (\(reason)); that page will not reload by itself")
        }
        return .skip
    }

    // MARK: Helpers

    static func isHTML(_ fields: HTTPFields) -> Bool {
        // Asked of every answer: bytes, not Characters.
        guard let type = fields[.contentType]?.utf8.drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return false }
        return hasPrefix(type, caseInsensitive: htmlType) || hasPrefix(type, caseInsensitive: xhtmlType)
    }

    private static let htmlType = Array("text/html".utf8)
    private static let xhtmlType = Array("application/xhtml+xml".utf8)

    private static func hasPrefix(_ bytes: Substring.UTF8View, caseInsensitive prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { byte, expected in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == expected : byte == expected
        }
    }

    /// The Host as it may appear in a rewritten URL: only the characters a host and port have.
    static func safeAuthority(_ authority: String) -> String {
        let kept = authority.filter { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
        return kept.isEmpty ? "localhost" : kept
    }

    private static let hexDigits = Array("0123456789abcdef")

    /// 128 random bits in hex, for one response's CSP nonce.
    static func freshNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<16 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 15)])
        }
        return text
    }

    private static let metaPolicy = Array("content-security-policy".utf8)
    private static let httpEquiv = Array("http-equiv".utf8)

    static func hasMetaPolicy(_ buffer: ByteBuffer) -> Bool {
        let bytes = Array(buffer.readableBytesView)
        guard let equiv = ASCII.firstIndex(of: httpEquiv, in: bytes) else { return false }
        return ASCII.firstIndex(of: metaPolicy, in: bytes, from: equiv) != nil
    }

    /// What the 502 page and the terminal say went wrong, in the user's words.
    static func reason(for error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return "no answer within \(timeout.components.seconds) s (--proxy-timeout)"
            case .connectTimeout:
                return "the connection timed out"
            case .remoteConnectionClosed:
                return "the backend closed the connection before answering"
            default:
                break
            }
        }
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshakeFailed") {
            return "its TLS certificate is not one this machine trusts; for a self-signed one add --proxy-insecure"
        }
        if text.lowercased().contains("refused") { return "connection refused" }
        if text.lowercased().contains("reset") { return "connection reset" }
        if text.contains("HTTPParserError") || text.contains("invalid") { return "the backend's answer is not HTTP" }
        return text
    }
}

extension HTTPField.Name {
    static let swellInject = Self("X-Swell-Inject")!
}

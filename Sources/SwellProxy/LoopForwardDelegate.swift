import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SwellKit

extension ProxyResponder {
    /// A GET or HEAD without a body, forwarded from the browser connection's event loop: the
    /// client library's delegate API on that same loop, so neither a task nor a thread hop
    /// stands between the browser's request, the backend's connection and the answer.
    package func forward(
        _ request: HTTPRequest,
        upstream: ProxyUpstream,
        clientAddress: String?,
        to sink: NIOLoopBound<any ForwardedAnswerSink>,
        on eventLoop: any EventLoop
    ) -> ForwardCancellation? {
        let target = request.path ?? "/"
        let scheme = request.scheme ?? "http"
        let browserRequest = Request(head: request, body: RequestBody(buffer: ByteBuffer()))
        let injectsPages = injection.shouldInject(browserRequest)
        let headers = ForwardedRequestHeaders.make(
            from: request.headerFields,
            host: request.authority,
            upstream: upstream,
            clientAddress: clientAddress,
            scheme: scheme,
            identityEncoding: injectsPages && request.method == .get
        )
        guard
            let outgoing = try? HTTPClient.Request(
                url: upstream.scheme + "://" + upstream.authority + upstream.basePath + target,
                method: HTTPMethod(rawValue: request.method.rawValue),
                headers: headers
            )
        else { return nil }
        let delegate = LoopForwardDelegate(
            responder: self,
            sink: sink,
            request: (request.method, target, injectsPages),
            swellOrigin: scheme + "://" + (request.authority.map(Self.safeAuthority) ?? "localhost"),
            upstream: upstream
        )
        health.forwarded(to: upstream)
        let task = client.execute(request: outgoing, delegate: delegate, eventLoop: .delegate(on: eventLoop), logger: nil)
        // `--proxy-timeout` bounds the wait for the head only: a body may go on for ever.
        let timeout = eventLoop.scheduleTask(in: TimeAmount(settings.timeout)) { delegate.timeOut(task) }
        delegate.started(timeout: timeout)
        return ForwardCancellation { task.cancel() }
    }
}

/// The client library's side of one request `forward` sent: the backend's answer, rewritten
/// and injected as `respond` would, part by part into the browser connection's sink. Every
/// call comes on that connection's event loop.
final class LoopForwardDelegate: HTTPClientResponseDelegate {
    typealias Response = Void

    private struct State {
        var timeout: Scheduled<Void>?
        var timedOut = false
        var answered = false
        var transform = BodyTransform()
    }

    private let responder: ProxyResponder
    private let sink: NIOLoopBound<any ForwardedAnswerSink>
    private let request: (method: HTTPRequest.Method, target: String, injectsPages: Bool)
    private let swellOrigin: String
    private let upstream: ProxyUpstream
    private let state: NIOLoopBoundBox<State>

    init(
        responder: ProxyResponder,
        sink: NIOLoopBound<any ForwardedAnswerSink>,
        request: (method: HTTPRequest.Method, target: String, injectsPages: Bool),
        swellOrigin: String,
        upstream: ProxyUpstream
    ) {
        self.responder = responder
        self.sink = sink
        self.request = request
        self.swellOrigin = swellOrigin
        self.upstream = upstream
        state = NIOLoopBoundBox(State(), eventLoop: sink.eventLoop)
    }

    func started(timeout: Scheduled<Void>) {
        if state.value.answered { timeout.cancel() } else { state.value.timeout = timeout }
    }

    func timeOut(_ task: HTTPClient.Task<Void>) {
        guard !state.value.answered else { return }
        state.value.timedOut = true
        task.cancel()
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.value.answered = true
        state.value.timeout?.cancel()
        responder.health.answered(by: upstream)
        let status = HTTPResponse.Status(code: Int(head.status.code), reasonPhrase: head.status.reasonPhrase)
        let injects = request.injectsPages && request.method == .get
        let (headers, chosen) = responder.browserHeaders(
            status,
            head.headers,
            injects: injects,
            target: request.target,
            swellOrigin: swellOrigin,
            upstream: upstream
        )
        if let chosen { state.value.transform = BodyTransform(plan: chosen.plan, coding: chosen.coding) }
        sink.value.head(HTTPResponse(status: status, headerFields: headers))
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        do {
            let parts = try state.value.transform.feed(buffer)
            guard let last = parts.last else { return task.eventLoop.makeSucceededVoidFuture() }
            for part in parts.dropLast() { _ = sink.value.body(part) }
            return sink.value.body(last)
        } catch {
            // A body that does not decode as its Content-Encoding says: the page cannot be finished.
            sink.value.broke()
            task.cancel()
            return task.eventLoop.makeFailedFuture(error)
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        for part in state.value.transform.finish() { _ = sink.value.body(part) }
        responder.noteMetaPolicy(state.value.transform, target: request.target)
        sink.value.end()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        guard state.value.answered else {
            state.value.timeout?.cancel()
            if let error = error as? HTTPClientError, error == .cancelled, !state.value.timedOut {
                return  // the browser left; nobody to answer
            }
            let reported: any Error = state.value.timedOut ? HTTPClientError.deadlineExceeded : error
            let page = responder.backendDown(
                reported,
                method: request.method,
                target: request.target,
                upstream: upstream,
                injects: request.injectsPages
            )
            sink.value.failed(page.head, body: page.body)
            return
        }
        sink.value.broke()
    }
}

import Synchronization

@testable import SwellKit

/// A watcher that reports `outputs` when started, then nothing: a queue overflow, a watch
/// limit reached, one change, as a test needs them.
final class ScriptedWatcher: FileWatcher {
    let kind: WatcherKind
    var watchCount: Int { 1 }
    private let outputs: [WatcherOutput]

    init(_ outputs: [WatcherOutput], kind: WatcherKind = .inotify) {
        self.outputs = outputs
        self.kind = kind
    }

    private let sink = Mutex<(@Sendable (WatcherOutput) -> Void)?>(nil)

    func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void) {
        self.sink.withLock { $0 = sink }
        for output in outputs { sink(output) }
    }

    /// Everything scripted was reported at start, so the watcher is always in sync.
    func sync(_ token: Int) {
        sink.withLock { $0 }?(.synced(token))
    }

    func stop() {}
}

extension WatcherFactory {
    /// `inotify` where the service asks for inotify; a real polling watcher (every 20 ms) where it falls back.
    static func scripted(inotify: ScriptedWatcher) -> WatcherFactory {
        WatcherFactory { kind, roots, ignore in
            switch kind {
            case .inotify: inotify
            case .polling: PollingWatcher(roots: roots, ignore: ignore, interval: .milliseconds(20))
            }
        }
    }
}

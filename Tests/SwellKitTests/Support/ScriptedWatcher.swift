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

    func start(_ sink: @escaping @Sendable (WatcherOutput) -> Void) {
        for output in outputs { sink(output) }
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

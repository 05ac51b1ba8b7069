import Synchronization

/// A `Mutex` that threads, tasks and closures share by reference.
public final class Shared<Value: Sendable>: Sendable {
    public let value: Mutex<Value>
    public init(_ initial: Value) { value = Mutex(initial) }
}

/// Waits until `condition` holds, checking it again every `interval`, for at most `within`;
/// returns whether it held. The one polling helper of the test targets: a test asserts on
/// the result, so a condition that never comes true fails instead of hanging.
@discardableResult
public func eventually(
    within timeout: Duration = .seconds(10),
    every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Waits until `produce` yields a value, for at most `within`; nil if it never did.
public func eventually<T>(
    within timeout: Duration = .seconds(10),
    every interval: Duration = .milliseconds(10),
    _ produce: () async throws -> T?
) async rethrows -> T? {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if let value = try await produce() { return value }
        try? await Task.sleep(for: interval)
    }
    return try await produce()
}

import Testing

/// Suites that use a lot of memory or descriptors (big files, thousands of connections) run
/// under this one, one test at a time: one of them measures the process's RSS, which another
/// test's 24 MB file in the same process would otherwise inflate.
@Suite(.serialized) struct HeavyTests {}

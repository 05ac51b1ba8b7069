#if canImport(Glibc)
    import Glibc
#endif

/// Where a command would run from: the first executable of that name on `PATH`, as a shell finds it.
package enum ExecutablePath {
    package static func find(_ name: String) -> String? {
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return searchPath.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}

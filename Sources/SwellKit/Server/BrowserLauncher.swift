import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `--open`: hands the URL to the desktop's browser through `xdg-open`. A machine without one
/// (a container, SSH) gets a warning, never an exit.
///
/// `posix_spawn` rather than Foundation's `Process`: the binary does not load Foundation at all.
public enum BrowserLauncher {
    /// Opens `url` in the desktop's browser without waiting for it; a failure is logged as a
    /// warning that says what to install or to visit the URL by hand.
    public static func open(_ url: String, logger: Logger) {
        guard let opener = ExecutablePath.find("xdg-open") else {
            logger.warning("--open: xdg-open is not installed, so no browser was opened; visit \(url) yourself (or apt-get install xdg-utils)")
            return
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(opener), strdup(url), nil]
        defer { arguments.forEach { free($0) } }
        let result = posix_spawn(&pid, opener, &actions, nil, arguments, environ)
        guard result == 0 else {
            logger.warning("--open: could not start xdg-open (\(String(cString: strerror(result)))); visit \(url) yourself")
            return
        }
        // Reap it when it exits, so that no zombie stays for the life of the server.
        DedicatedThread.start(name: "swell.open") { [pid] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }
}

#ifndef SWELL_CSWELLSHIMS_H
#define SWELL_CSWELLSHIMS_H

/// Opens `path` relative to `dirfd` with openat2(2) and RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
/// so that `..`, absolute paths and symlinks that leave `dirfd` fail with EXDEV in the kernel,
/// at the moment of opening (no check-then-open race).
/// Returns the descriptor, or -1 with errno set (ENOSYS where the kernel has no openat2).
int swell_openat2_beneath(int dirfd, const char *path, int flags);

/// Whether this kernel implements openat2(2) (Linux 5.6 and later).
int swell_openat2_available(void);

/// Names the calling thread (at most 15 bytes are kept), as `top -H` and `ps -L` show it.
/// prctl(2) is variadic, so Swift cannot call it directly.
void swell_set_thread_name(const char *name);

#endif

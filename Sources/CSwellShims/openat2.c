#define _GNU_SOURCE
#include "CSwellShims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// glibc has no openat2 wrapper and syscall(2) is variadic, which Swift cannot call.
int swell_openat2_beneath(int dirfd, const char *path, int flags) {
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd; (void)path; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int swell_openat2_available(void) {
    int fd = swell_openat2_beneath(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    return errno != ENOSYS;
}

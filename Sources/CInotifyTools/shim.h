#ifndef SWELL_CINOTIFYTOOLS_SHIM_H
#define SWELL_CINOTIFYTOOLS_SHIM_H
// inotifytools.h uses inotify types without including the kernel header itself.
#include <sys/inotify.h>
#include <inotifytools/inotifytools.h>
#endif

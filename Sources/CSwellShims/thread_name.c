#include <sys/prctl.h>

#include "CSwellShims.h"

void swell_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

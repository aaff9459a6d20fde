/* clock.h - monotonic time in nanoseconds (CLOCK_MONOTONIC, vDSO: no syscall). */
#ifndef BB_CLOCK_H
#define BB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t bb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif

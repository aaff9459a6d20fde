/* clock.h - time in nanoseconds.
 *
 * bb_now_ns(): CLOCK_MONOTONIC (vDSO, no syscall). Used for measured windows.
 * bb_fast_ns(): the same time base read from the TSC when the kernel itself
 * trusts it (x86, current clocksource "tsc"), calibrated against
 * CLOCK_MONOTONIC over 10 ms at start-up (drift seen: tens of us/s); otherwise
 * it is bb_now_ns(). Used on per-op paths (latency stamps, deadlines), where
 * a vDSO call costs as much as the operation being measured.
 */
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

typedef struct bb_tsc_clock {
    int use_tsc;          /* 0: bb_fast_ns() falls back to bb_now_ns() */
    uint64_t base_tsc, base_ns;
    uint64_t mult;        /* ns per tick, 32.32 fixed point */
    double ghz;           /* calibrated TSC frequency, for meta.json */
} bb_tsc_clock;

extern bb_tsc_clock bb_tsc;

static inline uint64_t bb_fast_ns(void)
{
#if defined(__x86_64__)
    if (bb_tsc.use_tsc) {
        uint64_t t = __builtin_ia32_rdtsc();
        return bb_tsc.base_ns +
               (uint64_t)(((unsigned __int128)(t - bb_tsc.base_tsc) * bb_tsc.mult) >> 32);
    }
#endif
    return bb_now_ns();
}

/* "tsc" or "clock_monotonic": what bb_fast_ns() reads. */
const char *bb_fast_clock_name(void);

#endif

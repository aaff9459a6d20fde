#include "clock.h"

#include <stdio.h>
#include <string.h>

bb_tsc_clock bb_tsc;

const char *bb_fast_clock_name(void)
{
    return bb_tsc.use_tsc ? "tsc" : "clock_monotonic";
}

#if defined(__x86_64__)
__attribute__((constructor)) static void bb_tsc_calibrate(void)
{
    char src[32] = "";
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (f) {
        if (!fgets(src, sizeof src, f))
            src[0] = 0;
        fclose(f);
    }
    if (strncmp(src, "tsc", 3) != 0)
        return; /* the kernel does not trust the TSC here: keep CLOCK_MONOTONIC */
    uint64_t n0 = bb_now_ns(), t0 = __builtin_ia32_rdtsc(), n1, t1;
    do {
        n1 = bb_now_ns();
        t1 = __builtin_ia32_rdtsc();
    } while (n1 - n0 < 10000000);
    if (t1 <= t0)
        return;
    bb_tsc.mult = (uint64_t)(((unsigned __int128)(n1 - n0) << 32) / (t1 - t0));
    bb_tsc.base_tsc = t1;
    bb_tsc.base_ns = n1;
    bb_tsc.ghz = (double)(t1 - t0) / (double)(n1 - n0);
    bb_tsc.use_tsc = bb_tsc.mult > 0;
}
#endif

/* openloop.c - the open-loop load generator (--rate, --arrivals). */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include "runner_int.h"

static inline double next_gap(worker *wk, double mean_ns)
{
    if (!wk->sh->c->poisson)
        return mean_ns;
    /* exponential inter-arrival: -ln(U) * mean, U in (0, 1] */
    double u = (double)(bb_rng_next(&wk->rng) >> 11) * 0x1.0p-53;
    return -log(1.0 - u) * mean_ns;
}

/* Open loop: each thread follows a schedule of intended start times (fixed
 * or Poisson gaps, rate/threads per thread) and keeps at most depth ops in
 * flight. Latency runs from the intended start, so an op that starts late
 * because the structure stalled carries that delay (no coordinated
 * omission); the op itself is stamped with its actual submit time, so the
 * batcher's queue-wait statistic does not include the lateness. What was due
 * in the window but never started is reported as backlog. */
void bb_open_loop(worker *wk)
{
    shared *sh = wk->sh;
    const bb_config *c = sh->c;
    unsigned D = c->depth, head = 0, count = 0;
    double mean_ns = 1e9 * (double)c->threads / c->rate; /* rate >= 1: finite */
    /* schedule kept in double: whole-ns gaps would skew high rates */
    double next = (double)bb_fast_ns() + (double)bb_rng_below(&wk->rng, 1000) / 1000.0 * mean_ns;
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* sleep to the intended start, not +50 us */
    for (;;) {
        int ph = atomic_load_explicit(&sh->phase, memory_order_acquire);
        phase_seen(wk, ph);
        if (ph == PH_STOP)
            break;
        uint64_t now = bb_fast_ns(), due = (uint64_t)next;
        if (count < D && now >= due) {
            unsigned slot = (head + count) % D;
            wk->intended[slot] = due;
            submit(wk, slot);
            count++;
            next += next_gap(wk, mean_ns);
            continue;
        }
        if (count) { /* wait for the oldest (a waiter may have to run its batch) */
            uint64_t t = complete(wk, head);
            if (atomic_load_explicit(&sh->phase, memory_order_acquire) == PH_MEASURE) {
                wk->counted++;
                bb_hist_record(wk->hist, t - wk->intended[head]);
            }
            head = (head + 1) % D;
            count--;
            continue;
        }
        /* idle until the next op is due: sleep in slices of at most 2 ms (so
         * STOP is seen), wake 200 us early, then yield and spin */
        uint64_t left = due > now ? due - now : 0;
        if (left > 300000) {
            uint64_t nap = left - 200000 < 2000000 ? left - 200000 : 2000000;
            struct timespec ts = {0, (long)nap};
            nanosleep(&ts, NULL);
        } else if (left > 5000) {
            sched_yield();
        } else {
            bb_cpu_relax();
        }
    }
    uint64_t stop = sh->stop_fast_ns; /* visible: we saw STOP with acquire */
    if ((uint64_t)next <= stop)
        wk->backlog = 1 + (uint64_t)(((double)stop - next) / mean_ns);
    for (; count; count--, head = (head + 1) % D)
        complete(wk, head);
}


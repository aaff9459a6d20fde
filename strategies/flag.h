/* flag.h - the "running" flag shared by the launches whose submitters take
 * turns as the worker (cas, timeout), and the drain/full logic built on it.
 * All accesses are seq_cst: the no-stranding argument in launch_cas.c
 * depends on it. */
#ifndef BB_FLAG_H
#define BB_FLAG_H

#include <sched.h>
#include <stdatomic.h>

#include "core/batcher.h"

static inline int bb_flag_try_acquire(atomic_int *flag)
{
    int expect = 0;
    return atomic_load_explicit(flag, memory_order_seq_cst) == 0 &&
           atomic_compare_exchange_strong_explicit(flag, &expect, 1, memory_order_seq_cst,
                                                   memory_order_seq_cst);
}

static inline void bb_flag_release(atomic_int *flag)
{
    atomic_store_explicit(flag, 0, memory_order_seq_cst);
}

static inline int bb_flag_held(atomic_int *flag)
{
    return atomic_load_explicit(flag, memory_order_seq_cst) != 0;
}

/* run_release(ctx): called holding the flag; runs batches and releases it. */
typedef void (*bb_flag_run_fn)(void *ctx);

/* A producer found the queue full: make room if nobody is running batches. */
static inline void bb_flag_full(atomic_int *flag, bb_flag_run_fn run_release, void *ctx)
{
    if (bb_flag_try_acquire(flag))
        run_release(ctx);
    else
        sched_yield();
}

/* Drain: emptiness is judged while holding the flag, when no take() is in
 * flight and empty() is exact (a concurrent take may briefly hide ops, e.g.
 * the stack's snapshot in transit). run_release re-checks after releasing, so
 * returning after it never strands an op. */
static inline void bb_flag_drain(atomic_int *flag, bb_batcher *b, bb_flag_run_fn run_release,
                                 void *ctx)
{
    for (;;) {
        if (bb_flag_try_acquire(flag)) {
            int was_empty = bb_batcher_queue_empty(b);
            run_release(ctx);
            if (was_empty)
                return;
            continue;
        }
        sched_yield();
    }
}

#endif

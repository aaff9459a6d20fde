/* executor.h - parallel work inside a batch.
 *
 * run_batch() receives a bb_executor and may use it for internal parallelism.
 * par_for(n, grain, fn, ctx) calls fn(ctx, lo, hi) over disjoint ranges that
 * cover [0, n), each at most `grain` long (grain 0 = choose); it returns when
 * all ranges are done. par_reduce sums int64 partial results of fn over the
 * same ranges. Both are called only by the thread running the batch.
 *
 * Backends: "serial" (the batch thread does everything, in order). Parallel
 * backends plug in through the same two function pointers.
 */
#ifndef BB_EXECUTOR_H
#define BB_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

typedef void (*bb_range_fn)(void *ctx, size_t lo, size_t hi);
typedef int64_t (*bb_reduce_fn)(void *ctx, size_t lo, size_t hi);

typedef struct bb_executor {
    const char *name;
    void (*par_for)(struct bb_executor *ex, size_t n, size_t grain, bb_range_fn fn, void *ctx);
    int64_t (*par_reduce)(struct bb_executor *ex, size_t n, size_t grain, bb_reduce_fn fn,
                          void *ctx);
    void *impl;
} bb_executor;

/* The serial executor: a static instance, safe to share. */
bb_executor *bb_executor_serial(void);

static inline void bb_par_for(bb_executor *ex, size_t n, size_t grain, bb_range_fn fn, void *ctx)
{
    ex->par_for(ex, n, grain, fn, ctx);
}

static inline int64_t bb_par_reduce(bb_executor *ex, size_t n, size_t grain, bb_reduce_fn fn,
                                    void *ctx)
{
    return ex->par_reduce(ex, n, grain, fn, ctx);
}

#endif

#include "executor.h"

static void serial_for(bb_executor *ex, size_t n, size_t grain, bb_range_fn fn, void *ctx)
{
    (void)ex;
    if (grain == 0)
        grain = n ? n : 1;
    for (size_t lo = 0; lo < n; lo += grain)
        fn(ctx, lo, lo + grain < n ? lo + grain : n);
}

static int64_t serial_reduce(bb_executor *ex, size_t n, size_t grain, bb_reduce_fn fn, void *ctx)
{
    (void)ex;
    if (grain == 0)
        grain = n ? n : 1;
    int64_t sum = 0;
    for (size_t lo = 0; lo < n; lo += grain)
        sum += fn(ctx, lo, lo + grain < n ? lo + grain : n);
    return sum;
}

static bb_executor serial = {"serial", serial_for, serial_reduce, 0};

bb_executor *bb_executor_serial(void)
{
    return &serial;
}

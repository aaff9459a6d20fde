/* alloc.c - the calling thread's allocation counters, read through jemalloc's
 * mallctl (thread.allocatedp / thread.deallocatedp: pointers to per-thread
 * counters, so reading them is a load, not a syscall). UINT64_MAX when
 * batchbench is built with the system allocator. */
#include <stdint.h>
#include <stddef.h>

#include "harness.h"

#ifdef BB_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>

static _Thread_local uint64_t *allocp, *deallocp;

static void init(void)
{
    size_t sz = sizeof allocp;
    if (!allocp && mallctl("thread.allocatedp", &allocp, &sz, NULL, 0))
        allocp = NULL;
    sz = sizeof deallocp;
    if (!deallocp && mallctl("thread.deallocatedp", &deallocp, &sz, NULL, 0))
        deallocp = NULL;
}

uint64_t bb_thread_allocated(void)
{
    init();
    return allocp ? *allocp : UINT64_MAX;
}

uint64_t bb_thread_deallocated(void)
{
    init();
    return deallocp ? *deallocp : UINT64_MAX;
}
#else
uint64_t bb_thread_allocated(void)
{
    return UINT64_MAX;
}

uint64_t bb_thread_deallocated(void)
{
    return UINT64_MAX;
}
#endif

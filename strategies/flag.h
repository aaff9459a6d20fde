/* flag.h - the "running" flag shared by the launches whose submitters take
 * turns as the worker (cas, timeout). All accesses are seq_cst: the no-
 * stranding argument in launch_cas.c depends on it. */
#ifndef BB_FLAG_H
#define BB_FLAG_H

#include <stdatomic.h>

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

#endif

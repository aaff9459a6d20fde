#include "wait.h"

#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void bb_futex_wait(_Atomic uint32_t *addr, uint32_t expected)
{
    /* EAGAIN (value changed) and EINTR are both "look again". */
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void bb_futex_wake(_Atomic uint32_t *addr, int n)
{
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

uint32_t bb_op_complete(bb_op *op)
{
    uint32_t old = atomic_exchange_explicit(&op->state, BB_OP_DONE, memory_order_acq_rel);
    if (old == BB_OP_PARKED)
        bb_futex_wake(&op->state, 1);
    return old;
}

static const char *const policy_names[] = {"adaptive", "spin", "yield", "park"};

int bb_wait_policy_parse(const char *s, bb_wait_policy *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, policy_names[i]) == 0) {
            *out = (bb_wait_policy)i;
            return 0;
        }
    return -1;
}

const char *bb_wait_policy_name(bb_wait_policy p)
{
    return (unsigned)p < 4 ? policy_names[p] : "?";
}

static void park(bb_op *op)
{
    uint32_t expect = BB_OP_PENDING;
    if (atomic_compare_exchange_strong_explicit(&op->state, &expect, BB_OP_PARKED,
                                                memory_order_acq_rel, memory_order_acquire) ||
        expect == BB_OP_PARKED)
        bb_futex_wait(&op->state, BB_OP_PARKED);
}

void bb_wait_step(bb_op *op, bb_wait_policy policy, unsigned *step)
{
    unsigned s = (*step)++;
    switch (policy) {
    case BB_WAIT_SPIN:
        if ((s + 1) % BB_SPIN_YIELD_EVERY == 0)
            sched_yield();
        else
            bb_cpu_relax();
        break;
    case BB_WAIT_YIELD:
        sched_yield();
        break;
    case BB_WAIT_PARK:
        park(op);
        break;
    case BB_WAIT_ADAPTIVE:
    default:
        if (s < BB_ADAPT_SPIN)
            bb_cpu_relax();
        else if (s < BB_ADAPT_SPIN + BB_ADAPT_YIELD)
            sched_yield();
        else
            park(op);
        break;
    }
}

void bb_wait_until_done(bb_op *op, bb_wait_policy policy)
{
    unsigned step = 0;
    while (!bb_op_done(op))
        bb_wait_step(op, policy, &step);
}

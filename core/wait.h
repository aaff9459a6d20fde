/* wait.h - waiting policies for an op's completion.
 *
 * bb_wait_step() performs one step of waiting on op according to the policy
 * and the caller's step counter; the caller loops, checking the op (and doing
 * launch work) between steps. No policy spins forever without giving the CPU
 * away: even "spin" calls sched_yield() every BB_SPIN_YIELD_EVERY steps, so
 * oversubscribed runs finish (slowly).
 *
 *  spin      pause instruction; sched_yield() every BB_SPIN_YIELD_EVERY steps
 *  yield     sched_yield() each step
 *  park      futex-wait on the op's state word at once
 *  adaptive  BB_ADAPT_SPIN pause steps, then BB_ADAPT_YIELD yields, then park
 *
 * Parking: the owner CASes PENDING -> PARKED and futex-waits while the word is
 * PARKED; bb_op_complete() wakes it. Spurious wake-ups simply return.
 */
#ifndef BB_WAIT_H
#define BB_WAIT_H

#include "op.h"

typedef enum { BB_WAIT_ADAPTIVE = 0, BB_WAIT_SPIN, BB_WAIT_YIELD, BB_WAIT_PARK } bb_wait_policy;

#define BB_SPIN_YIELD_EVERY 4096u
#define BB_ADAPT_SPIN 256u
#define BB_ADAPT_YIELD 16u

/* Parses "adaptive|spin|yield|park"; returns 0 or -1. */
int bb_wait_policy_parse(const char *s, bb_wait_policy *out);
const char *bb_wait_policy_name(bb_wait_policy p);

static inline void bb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

/* One waiting step. *step counts steps since the wait began (start at 0). */
void bb_wait_step(bb_op *op, bb_wait_policy policy, unsigned *step);

/* Blocks until op is DONE, using policy (no launch work in between). */
void bb_wait_until_done(bb_op *op, bb_wait_policy policy);

/* futex helpers on a 32-bit word (private futexes). */
void bb_futex_wait(_Atomic uint32_t *addr, uint32_t expected);
void bb_futex_wake(_Atomic uint32_t *addr, int n);

#endif

/* op.h - the operation record and its completion protocol.
 *
 * A bb_op is owned by the caller (on its stack for a synchronous call, in a
 * per-thread window for asynchronous ones); the library never allocates one.
 * It is cache-line sized and aligned so that ops of different threads never
 * share a line.
 *
 * State word: PENDING -> DONE, or PENDING -> PARKED -> DONE.
 *  - bb_op_complete() is called exactly once per submitted op, by the thread
 *    that ran its batch, after the result is written. It exchanges DONE in
 *    (release) and calls futex-wake only if the old state was PARKED, so a
 *    completion costs no syscall unless the owner went to sleep.
 *  - Only the owner moves PENDING -> PARKED (then futex-waits on the word).
 *  - After the exchange the completer does not read or write the op again:
 *    the owner may reuse it at once. (The futex-wake that may follow uses
 *    only the word's address; a reused address can get a spurious wake-up,
 *    which every futex waiter here tolerates by re-checking.)
 */
#ifndef BB_OP_H
#define BB_OP_H

#include <stdatomic.h>
#include <stdint.h>

enum {
    BB_OP_IDLE = 0,    /* not submitted (or result consumed) */
    BB_OP_PENDING = 1, /* submitted, not yet completed */
    BB_OP_PARKED = 2,  /* submitted; the owner is (about to be) asleep on it */
    BB_OP_DONE = 3     /* completed; result is valid */
};

typedef struct bb_op {
    struct bb_op *next;      /* intrusive link, owned by the queue while queued */
    uint32_t code;           /* operation code, meaning defined by the structure */
    _Atomic uint32_t state;  /* BB_OP_* */
    int64_t key;
    int64_t arg;
    int64_t result;          /* written by run_batch */
    uint64_t submit_ns;      /* optional, bb_fast_ns() time base: the batcher's queue-wait
                                statistic uses it when non-zero */
    uint32_t thread;         /* submitting thread's index (queues may use it) */
    uint32_t user;           /* free for the caller */
    uint64_t launch_ns;      /* reserved for the launch strategy (set before the push) */
} __attribute__((aligned(64))) bb_op;

_Static_assert(sizeof(bb_op) == 64, "bb_op must be one cache line");

static inline void bb_op_init(bb_op *op, uint32_t code, int64_t key, int64_t arg)
{
    op->next = 0;
    op->code = code;
    op->key = key;
    op->arg = arg;
    op->result = 0;
    op->submit_ns = 0;
    op->thread = 0;
    op->user = 0;
    op->launch_ns = 0;
    atomic_store_explicit(&op->state, BB_OP_IDLE, memory_order_relaxed);
}

static inline int bb_op_done(const bb_op *op)
{
    return atomic_load_explicit((_Atomic uint32_t *)&op->state, memory_order_acquire) ==
           BB_OP_DONE;
}

/* Marks op complete and wakes its owner if it parked. Returns the previous
 * state, so the caller can detect a double completion (previous == DONE). */
uint32_t bb_op_complete(bb_op *op);

#endif

/* launch "timeout": group commit / Nagle. A batch is flushed when min_batch
 * ops are pending, or when the oldest pending op has waited timeout_us.
 *
 * Pending ops are counted before they are pushed (prepare), and each op is
 * stamped with its deadline. A submitter whose push makes the count reach
 * min_batch flushes at once (if no flush runs). A waiter sleeps with a timed
 * futex wait until its own op's deadline; the owner of the oldest op wakes
 * first and flushes if nobody did. So no thread busy-loops while idle, and no
 * op waits much past its deadline. timeout_us=0 flushes at once (like cas).
 *
 * A flush takes the running flag (flag.h), runs batches until the queue is
 * empty, releases the flag and re-checks: if min_batch ops arrived meanwhile
 * it flushes again; ops that arrived but are fewer are flushed by their own
 * owners at their deadlines (a waiter that finds the flag held at its deadline
 * sleeps briefly and retries). Drain and destroy flush regardless of
 * min_batch. Counters: flushes (that ran at least one batch) started by
 * min_batch and by a deadline (timeout_us=0: all of them); flushes forced by a
 * full queue or by drain are in neither. min_batch starts a flush; a flush
 * then runs batches until the queue is empty, so batches can be smaller. */
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "flag.h"
#include "registry.h"

typedef struct {
    bb_batcher *b;
    uint64_t timeout_ns, min_batch;
    _Alignas(64) atomic_int running;
    _Alignas(64) _Atomic int64_t pending; /* counted before the push, uncounted when taken */
    _Alignas(64) _Atomic uint64_t flush_size, flush_deadline;
} timeout_launch;

static const char *const opts[] = {"batch_limit", "min_batch", "timeout_us", NULL};

/* Futex wait on the op's state (PARKED) for at most ns nanoseconds. */
static void timed_park(bb_op *op, uint64_t ns)
{
    uint32_t expect = BB_OP_PENDING;
    if (!atomic_compare_exchange_strong_explicit(&op->state, &expect, BB_OP_PARKED,
                                                 memory_order_acq_rel, memory_order_acquire) &&
        expect != BB_OP_PARKED)
        return;
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    syscall(SYS_futex, (uint32_t *)&op->state, FUTEX_WAIT_PRIVATE, BB_OP_PARKED, &ts, NULL, 0);
}

/* Holding the flag: run batches until the queue is empty; returns how many
 * batches ran. */
static size_t flush_all(timeout_launch *l)
{
    size_t n, batches = 0;
    while ((n = bb_batcher_run_batch(l->b))) {
        atomic_fetch_sub_explicit(&l->pending, (int64_t)n, memory_order_seq_cst);
        batches++;
    }
    return batches;
}

/* Pending counts ops from before their push, so the queue must be checked
 * too: a count that includes ops still being pushed must not start empty
 * flushes. With timeout_us=0 every op is due at once: those flushes are
 * deadline flushes. */
static int size_reached(timeout_launch *l)
{
    if (bb_batcher_queue_empty(l->b))
        return 0;
    return l->timeout_ns == 0 ||
           atomic_load_explicit(&l->pending, memory_order_seq_cst) >= (int64_t)l->min_batch;
}

/* Flushes while the size condition holds (re-checked after each release). */
static void flush_for_size(timeout_launch *l)
{
    while (size_reached(l) && bb_flag_try_acquire(&l->running)) {
        if (flush_all(l))
            atomic_fetch_add_explicit(l->timeout_ns ? &l->flush_size : &l->flush_deadline, 1,
                                      memory_order_relaxed);
        bb_flag_release(&l->running);
    }
}

static int to_create(bb_batcher *b, const bb_spec *spec, void **out, bb_err *err)
{
    uint64_t timeout_us, min_batch;
    int rc;
    if ((rc = bb_spec_u64(spec, "timeout_us", 100, 0, 3600ull * 1000000, &timeout_us, err)) ||
        (rc = bb_spec_u64(spec, "min_batch", 64, 1, UINT32_MAX, &min_batch, err)))
        return rc;
    timeout_launch *l = aligned_alloc(64, sizeof *l);
    if (!l)
        return bb_fail(err, BB_ENOMEM, "launch timeout: out of memory");
    memset(l, 0, sizeof *l);
    l->b = b;
    l->timeout_ns = timeout_us * 1000;
    l->min_batch = min_batch;
    *out = l;
    return BB_OK;
}

static void to_destroy(void *l)
{
    free(l);
}

static void to_prepare(void *vl, bb_op *op)
{
    timeout_launch *l = vl;
    op->launch_ns = l->timeout_ns ? bb_fast_ns() + l->timeout_ns : 0; /* the deadline */
    atomic_fetch_add_explicit(&l->pending, 1, memory_order_seq_cst);
}

static void to_submitted(void *vl, bb_op *op)
{
    (void)op;
    flush_for_size(vl);
}

/* Holding the flag: flush everything and release (full queue, drain: such
 * flushes are counted in neither counter). */
static void flush_release(void *vl)
{
    timeout_launch *l = vl;
    flush_all(l);
    bb_flag_release(&l->running);
}

static void to_full(void *vl)
{
    bb_flag_full(&((timeout_launch *)vl)->running, flush_release, vl);
}

static void to_wait(void *vl, bb_op *op)
{
    timeout_launch *l = vl;
    bb_wait_policy pol = bb_batcher_wait_policy(l->b);
    uint64_t deadline = op->launch_ns; /* our own op: nobody else writes it */
    unsigned step = 0;
    while (!bb_op_done(op)) {
        flush_for_size(l);
        if (bb_op_done(op))
            return;
        uint64_t now = bb_fast_ns();
        if (now >= deadline) {
            if (bb_flag_try_acquire(&l->running)) {
                if (flush_all(l))
                    atomic_fetch_add_explicit(&l->flush_deadline, 1, memory_order_relaxed);
                bb_flag_release(&l->running);
                continue;
            }
            /* a flush is running: it may or may not take our op; look again soon */
            uint64_t retry = l->timeout_ns < 20000 ? 20000 : l->timeout_ns;
            timed_park(op, retry > 1000000 ? 1000000 : retry);
            continue;
        }
        /* before the deadline: follow the wait policy, but never sleep past it.
         * A timed futex wait overshoots by the timer slack (~50 us), so a
         * deadline closer than that is waited for by yielding instead. */
        int parking = pol == BB_WAIT_PARK ||
                      (pol == BB_WAIT_ADAPTIVE && step >= BB_ADAPT_SPIN + BB_ADAPT_YIELD);
        if (parking && deadline - now > 50000)
            timed_park(op, deadline - now - 50000);
        else if (parking)
            sched_yield();
        else
            bb_wait_step(op, pol, &step);
    }
}

static void to_drain(void *vl)
{
    bb_flag_drain(&((timeout_launch *)vl)->running, ((timeout_launch *)vl)->b, flush_release, vl);
}

static void to_stats(void *vl, bb_launch_stats *s)
{
    timeout_launch *l = vl;
    s->flush_size = atomic_load_explicit(&l->flush_size, memory_order_relaxed);
    s->flush_deadline = atomic_load_explicit(&l->flush_deadline, memory_order_relaxed);
}

const bb_launch_vtable bb_launch_timeout = {
    "timeout",
    "flush when min_batch ops are pending or the oldest waited timeout_us; waiters sleep to "
    "their deadline (options: batch_limit, min_batch, timeout_us)",
    opts, to_create, to_destroy, to_prepare, to_submitted, to_full, to_wait, to_drain, to_stats,
};

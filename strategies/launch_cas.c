/* launch "cas": CAS worker promotion (OBatcher's try_launch, Kiwi/flat-
 * combining style).
 *
 * A submitter that wins the CAS on `running` becomes the worker: it runs
 * batches back to back while the queue is non-empty (at most max_rounds before
 * it releases the flag; 0 = no bound), stores running = 0, and then re-checks
 * the queue; if ops arrived it tries the CAS again. A waiter whose op is still
 * pending retries the CAS whenever the flag is clear and the queue is not
 * empty, between waiting steps.
 *
 * Why no op is stranded (all accesses below are seq_cst): a submitter pushes
 * and then reads running == 1 (or fails the CAS). Its push precedes that read,
 * which precedes the worker's store running = 0, which precedes the worker's
 * empty() check: so the worker sees the op, or has already taken it. Hence a
 * waiter may park: somebody is always responsible for a queued op.
 *
 * Option lazy=1: bb_submit only pushes, and the first launch attempt happens
 * in bb_wait (the same seq_cst CAS, so the argument is unchanged: an op is
 * waited on by its owner before the owner can park). With several ops in
 * flight per thread this lets batches fill instead of every submit running
 * a batch of one; an op nobody waits on may sit until someone does.
 */
#include <stdlib.h>
#include <string.h>

#include "flag.h"
#include "registry.h"

typedef struct {
    bb_batcher *b;
    uint64_t max_rounds;
    uint64_t lazy; /* 1: submissions only push; waiters start batches */
    _Alignas(64) atomic_int running;
} cas_launch;

static const char *const opts[] = {"batch_limit", "max_rounds", "lazy", NULL};

static int cas_create(bb_batcher *b, const bb_spec *spec, void **out, bb_err *err)
{
    cas_launch *l = aligned_alloc(64, sizeof *l);
    if (!l)
        return bb_fail(err, BB_ENOMEM, "launch cas: out of memory");
    memset(l, 0, sizeof *l);
    l->b = b;
    int rc = bb_spec_u64(spec, "max_rounds", 0, 0, UINT32_MAX, &l->max_rounds, err);
    if (!rc)
        rc = bb_spec_u64(spec, "lazy", 0, 0, 1, &l->lazy, err);
    if (rc) {
        free(l);
        return rc;
    }
    *out = l;
    return BB_OK;
}

static void cas_destroy(void *l)
{
    free(l);
}

static int try_acquire(cas_launch *l)
{
    return bb_flag_try_acquire(&l->running);
}

/* Called holding the flag; returns without it. */
static void work(cas_launch *l)
{
    for (;;) {
        uint64_t rounds = 0;
        while ((l->max_rounds == 0 || rounds < l->max_rounds) && bb_batcher_run_batch(l->b))
            rounds++;
        bb_flag_release(&l->running);
        if (bb_batcher_queue_empty(l->b) || !try_acquire(l))
            return;
    }
}

static void cas_submitted(void *vl, bb_op *op)
{
    (void)op;
    cas_launch *l = vl;
    if (!l->lazy && try_acquire(l))
        work(l);
}

static void work_cb(void *l)
{
    work(l);
}

static void cas_full(void *vl)
{
    bb_flag_full(&((cas_launch *)vl)->running, work_cb, vl);
}

static void cas_wait(void *vl, bb_op *op)
{
    cas_launch *l = vl;
    bb_wait_policy pol = bb_batcher_wait_policy(l->b);
    unsigned step = 0;
    while (!bb_op_done(op)) {
        /* the seq_cst load of the flag (then the CAS) is, with lazy=1, the
         * first launch attempt after the push, which the no-stranding
         * argument needs; the queue is only looked at when the flag is free */
        if (!bb_flag_held(&l->running) && !bb_batcher_queue_empty(l->b) && try_acquire(l)) {
            work(l);
            step = 0;
            continue;
        }
        bb_wait_step(op, pol, &step);
    }
}

static void cas_drain(void *vl)
{
    bb_flag_drain(&((cas_launch *)vl)->running, ((cas_launch *)vl)->b, work_cb, vl);
}

const bb_launch_vtable bb_launch_cas = {
    "cas",
    "CAS worker promotion: a submitter that wins the flag runs batches; waiters retry it "
    "(options: batch_limit, max_rounds, lazy)",
    opts, cas_create, cas_destroy, NULL, cas_submitted, cas_full, cas_wait, cas_drain, NULL,
};

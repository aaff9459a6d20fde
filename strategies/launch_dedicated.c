/* launch "dedicated": a server thread takes and runs every batch (delegation,
 * as in ffwd/RCL). Clients only push and wait.
 *
 * Idle protocol (no syscall on the submit fast path): when the queue is
 * empty the server spins for spin_us, then announces `sleeping = 1`
 * (seq_cst), re-checks the queue and futex-waits on `sleeping`. A submitter,
 * after its (seq_cst) push, loads `sleeping`; only if it reads 1 does it
 * exchange it to 0 and call futex-wake. Dekker argument: either the server's
 * re-check sees the push, or the submitter's load sees sleeping = 1; so a
 * pushed op never waits for a server that is asleep.
 *
 * The server is bound to the PU the batcher was configured with (the
 * harness's pin plan gives it a PU of its own when one is free). Destroy
 * sets `stop`, wakes the server, which runs batches until the queue is empty
 * and exits; destroy joins it. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "registry.h"

typedef struct {
    bb_batcher *b;
    uint64_t spin_ns;
    pthread_t tid;
    _Alignas(64) _Atomic uint32_t sleeping; /* futex word */
    atomic_int stop;
    _Alignas(64) atomic_int busy;           /* the server is taking or running a batch */
} dedicated_launch;

static const char *const opts[] = {"batch_limit", "spin_us", NULL};

static void *server_main(void *arg)
{
    dedicated_launch *l = arg;
    bb_batcher_bind_server(l->b);
    for (;;) {
        atomic_store_explicit(&l->busy, 1, memory_order_seq_cst);
        size_t n = bb_batcher_run_batch(l->b);
        atomic_store_explicit(&l->busy, 0, memory_order_seq_cst);
        if (n)
            continue;
        if (atomic_load_explicit(&l->stop, memory_order_acquire) && bb_batcher_queue_empty(l->b))
            return NULL;
        /* idle: spin for spin_us, then sleep until a submitter wakes us */
        uint64_t until = bb_now_ns() + l->spin_ns;
        unsigned k = 0;
        while (bb_batcher_queue_empty(l->b) && !atomic_load(&l->stop)) {
            if ((++k & 63) == 0 && bb_now_ns() >= until)
                break;
            bb_cpu_relax();
        }
        if (!bb_batcher_queue_empty(l->b) || atomic_load(&l->stop))
            continue;
        atomic_store_explicit(&l->sleeping, 1, memory_order_seq_cst);
        if (bb_batcher_queue_empty(l->b) && !atomic_load_explicit(&l->stop, memory_order_seq_cst))
            bb_futex_wait(&l->sleeping, 1);
        atomic_store_explicit(&l->sleeping, 0, memory_order_relaxed);
    }
}

static void wake_server(dedicated_launch *l)
{
    if (atomic_load_explicit(&l->sleeping, memory_order_seq_cst) &&
        atomic_exchange_explicit(&l->sleeping, 0, memory_order_seq_cst))
        bb_futex_wake(&l->sleeping, 1);
}

static int ded_create(bb_batcher *b, const bb_spec *spec, void **out, bb_err *err)
{
    uint64_t spin_us;
    int rc = bb_spec_u64(spec, "spin_us", 20, 0, 10000000, &spin_us, err);
    if (rc)
        return rc;
    dedicated_launch *l = aligned_alloc(64, sizeof *l);
    if (!l)
        return bb_fail(err, BB_ENOMEM, "launch dedicated: out of memory");
    memset(l, 0, sizeof *l);
    l->b = b;
    l->spin_ns = spin_us * 1000;
    if (pthread_create(&l->tid, NULL, server_main, l)) {
        free(l);
        return bb_fail(err, BB_ESYS, "launch dedicated: cannot start the server thread");
    }
    *out = l;
    return BB_OK;
}

static void ded_destroy(void *vl)
{
    dedicated_launch *l = vl;
    atomic_store_explicit(&l->stop, 1, memory_order_seq_cst);
    if (atomic_exchange_explicit(&l->sleeping, 0, memory_order_seq_cst))
        bb_futex_wake(&l->sleeping, 1);
    pthread_join(l->tid, NULL);
    free(l);
}

static void ded_submitted(void *vl, bb_op *op)
{
    (void)op;
    wake_server(vl);
}

static void ded_full(void *vl)
{
    wake_server(vl);
    sched_yield();
}

static void ded_wait(void *vl, bb_op *op)
{
    dedicated_launch *l = vl;
    bb_wait_until_done(op, bb_batcher_wait_policy(l->b));
}

static void ded_drain(void *vl)
{
    dedicated_launch *l = vl;
    for (;;) {
        if (bb_batcher_queue_empty(l->b) &&
            !atomic_load_explicit(&l->busy, memory_order_seq_cst))
            return;
        wake_server(l);
        sched_yield();
    }
}

static void ded_stats(void *vl, bb_launch_stats *s)
{
    dedicated_launch *l = vl;
    bb_batcher_server_pu(l->b, &s->server_pu, &s->server_shares_pu);
}

const bb_launch_vtable bb_launch_dedicated = {
    "dedicated",
    "a server thread runs every batch; idle it spins spin_us then parks (options: batch_limit, "
    "spin_us)",
    opts, ded_create, ded_destroy, NULL, ded_submitted, ded_full, ded_wait, ded_drain, ded_stats,
};

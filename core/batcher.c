#include "batcher.h"

#include "clock.h"
#include "topo.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct bb_batcher {
    const bb_ds_vtable *ds;
    void *ds_inst;
    const bb_queue_vtable *qv;
    void *q;
    const bb_launch_vtable *lv;
    void *l;
    bb_executor *exec;
    bb_wait_policy wait;
    uint64_t batch_limit; /* 0 = unlimited */
    const struct bb_topo *topo;
    int server_pu, server_shares_pu;

    /* Batch runner's private state (only the batch thread touches it). */
    _Alignas(64) bb_op **buf;
    size_t cap;
    atomic_int in_batch;

    /* Statistics: written by the batch thread only, read by anyone. */
    _Alignas(64) _Atomic uint64_t batches;
    _Atomic uint64_t ops;
    _Atomic uint64_t max_batch;
    _Atomic uint64_t overlaps;
    _Atomic uint64_t double_completions;
    _Atomic uint64_t size_hist[BB_BATCH_BUCKETS];
    _Atomic uint64_t queue_wait_ns, queue_wait_ops, batch_run_ns;
};

/* Single-writer counter update (only the batch thread writes). */
static inline void bump(_Atomic uint64_t *c, uint64_t d)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                          memory_order_relaxed);
}

int bb_batcher_create(const bb_batcher_config *cfg, bb_batcher **out, bb_err *err)
{
    if (!cfg->ds || !cfg->ds->run_batch || !cfg->queue || !cfg->launch || cfg->max_threads == 0)
        return bb_fail(err, BB_EINVAL, "batcher: structure, queue, launch and max_threads >= 1 "
                                       "are required");
    bb_spec qs, ls;
    int rc = bb_spec_parse(cfg->queue_spec ? cfg->queue_spec : cfg->queue->name, &qs, err);
    if (rc)
        return rc;
    rc = bb_spec_parse(cfg->launch_spec ? cfg->launch_spec : cfg->launch->name, &ls, err);
    if (rc)
        return rc;
    if ((rc = bb_spec_check_keys(&qs, "queue", cfg->queue->options, err)) ||
        (rc = bb_spec_check_keys(&ls, "launch", cfg->launch->options, err)))
        return rc;

    bb_batcher *b = aligned_alloc(64, sizeof *b);
    if (!b)
        return bb_fail(err, BB_ENOMEM, "batcher: out of memory");
    memset(b, 0, sizeof *b);
    b->ds = cfg->ds;
    b->ds_inst = cfg->ds_inst;
    b->qv = cfg->queue;
    b->lv = cfg->launch;
    b->exec = cfg->exec ? cfg->exec : bb_executor_serial();
    b->wait = cfg->wait;
    b->topo = cfg->topo;
    b->server_pu = cfg->topo ? cfg->server_pu : -1;
    b->server_shares_pu = cfg->server_shares_pu;
    if ((rc = bb_spec_u64(&ls, "batch_limit", 0, 0, UINT32_MAX, &b->batch_limit, err)))
        goto fail;
    b->cap = 256;
    if (b->batch_limit && b->batch_limit < b->cap)
        b->cap = b->batch_limit;
    b->buf = malloc(b->cap * sizeof *b->buf);
    if (!b->buf) {
        rc = bb_fail(err, BB_ENOMEM, "batcher: out of memory");
        goto fail;
    }
    bb_queue_params qp = {cfg->max_threads, cfg->depth ? cfg->depth : 1};
    if ((rc = b->qv->create(&qs, &qp, &b->q, err)))
        goto fail;
    if ((rc = b->lv->create(b, &ls, &b->l, err))) {
        b->qv->destroy(b->q);
        goto fail;
    }
    *out = b;
    return BB_OK;
fail:
    free(b->buf);
    free(b);
    return rc;
}

void bb_batcher_destroy(bb_batcher *b)
{
    if (!b)
        return;
    b->lv->drain(b->l);
    b->lv->destroy(b->l);
    b->qv->destroy(b->q);
    free(b->buf);
    free(b);
}

void bb_submit(bb_batcher *b, bb_op *op, unsigned thread)
{
    op->thread = thread;
    atomic_store_explicit(&op->state, BB_OP_PENDING, memory_order_relaxed);
    if (b->lv->prepare)
        b->lv->prepare(b->l, op);
    while (b->qv->push(b->q, op)) /* the push publishes the op (release or stronger) */
        b->lv->full(b->l);        /* bounded queue full: let the launch make room */
    b->lv->submitted(b->l, op);
}

void bb_wait(bb_batcher *b, bb_op *op)
{
    if (!bb_op_done(op))
        b->lv->wait(b->l, op);
}

int64_t bb_exec(bb_batcher *b, bb_op *op, unsigned thread)
{
    bb_submit(b, op, thread);
    bb_wait(b, op);
    return op->result;
}

void bb_drain(bb_batcher *b)
{
    b->lv->drain(b->l);
}

int bb_batcher_queue_empty(bb_batcher *b)
{
    return b->qv->empty(b->q);
}

bb_wait_policy bb_batcher_wait_policy(const bb_batcher *b)
{
    return b->wait;
}

void bb_batcher_bind_server(const bb_batcher *b)
{
    if (b->topo && b->server_pu >= 0)
        bb_topo_bind_self(b->topo, b->server_pu);
}

void bb_batcher_server_pu(const bb_batcher *b, int *pu, int *shares)
{
    *pu = b->server_pu;
    *shares = b->server_shares_pu;
}

uint64_t bb_batcher_batch_limit(const bb_batcher *b)
{
    return b->batch_limit;
}

/* Fills b->buf with up to batch_limit ops, growing the buffer while the queue
 * keeps giving (the buffer only grows, so this allocates O(log n) times in a
 * run, never per op). */
static size_t collect(bb_batcher *b)
{
    size_t limit = b->batch_limit ? (size_t)b->batch_limit : SIZE_MAX;
    size_t n = 0;
    for (;;) {
        size_t want = (limit < b->cap ? limit : b->cap) - n;
        size_t got = b->qv->take(b->q, b->buf + n, want);
        n += got;
        if (got < want || n == limit)
            return n;
        size_t ncap = b->cap * 2;
        bb_op **nb = realloc(b->buf, ncap * sizeof *nb);
        if (!nb)
            return n; /* run what we have; the rest stays queued */
        b->buf = nb;
        b->cap = ncap;
    }
}

size_t bb_batcher_run_batch(bb_batcher *b)
{
    if (atomic_fetch_add_explicit(&b->in_batch, 1, memory_order_acq_rel) != 0) {
        atomic_fetch_add_explicit(&b->overlaps, 1, memory_order_relaxed);
        assert(!"two batches ran at once");
    }
    size_t n = collect(b);
    if (n) {
        uint64_t t_take = bb_fast_ns(), waited = 0, stamped = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t s = b->buf[i]->submit_ns;
            if (s && s <= t_take) {
                waited += t_take - s;
                stamped++;
            }
        }
        b->ds->run_batch(b->ds_inst, b->buf, n, b->exec);
        uint64_t run = bb_fast_ns() - t_take;
        /* statistics before completion: once completed, ops (and a waiting
         * client that reads the stats) may move on */
        bump(&b->batches, 1);
        bump(&b->ops, n);
        bump(&b->size_hist[63 - __builtin_clzll((unsigned long long)n)], 1);
        bump(&b->queue_wait_ns, waited);
        bump(&b->queue_wait_ops, stamped);
        bump(&b->batch_run_ns, run * n);
        if (n > atomic_load_explicit(&b->max_batch, memory_order_relaxed))
            atomic_store_explicit(&b->max_batch, n, memory_order_relaxed);
        uint64_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t old = bb_op_complete(b->buf[i]);
            bad += (old != BB_OP_PENDING && old != BB_OP_PARKED);
        }
        if (bad)
            atomic_fetch_add_explicit(&b->double_completions, bad, memory_order_relaxed);
    }
    atomic_fetch_sub_explicit(&b->in_batch, 1, memory_order_release);
    return n;
}

void bb_batcher_stats_get(const bb_batcher *b, bb_batcher_stats *s)
{
    bb_batcher *m = (bb_batcher *)b;
    s->batches = atomic_load_explicit(&m->batches, memory_order_relaxed);
    s->ops = atomic_load_explicit(&m->ops, memory_order_relaxed);
    s->max_batch = atomic_load_explicit(&m->max_batch, memory_order_relaxed);
    s->overlaps = atomic_load_explicit(&m->overlaps, memory_order_relaxed);
    s->double_completions = atomic_load_explicit(&m->double_completions, memory_order_relaxed);
    for (int k = 0; k < BB_BATCH_BUCKETS; k++)
        s->size_hist[k] = atomic_load_explicit(&m->size_hist[k], memory_order_relaxed);
    s->queue_wait_ns = atomic_load_explicit(&m->queue_wait_ns, memory_order_relaxed);
    s->queue_wait_ops = atomic_load_explicit(&m->queue_wait_ops, memory_order_relaxed);
    s->batch_run_ns = atomic_load_explicit(&m->batch_run_ns, memory_order_relaxed);
    memset(&s->launch, 0, sizeof s->launch);
    s->launch.server_pu = -1;
    if (m->lv->stats)
        m->lv->stats(m->l, &s->launch);
}

void bb_batcher_stats_reset_max(bb_batcher *b)
{
    atomic_store_explicit(&b->max_batch, 0, memory_order_relaxed);
}

/* runner_int.h - what runner.c and openloop.c share: the run's shared state,
 * the per-thread worker and the per-op helpers (submit, complete, the phase
 * bookkeeping). Private to the harness. */
#ifndef BB_RUNNER_INT_H
#define BB_RUNNER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/clock.h"
#include "harness.h"

enum { PH_WARMUP = 0, PH_MEASURE = 1, PH_STOP = 2 };

typedef struct shared {
    const bb_config *c;
    const bb_topo *topo;
    bb_batcher *b;
    void *inst;    /* direct variant instance */
    void *chk;
    _Alignas(64) atomic_uint ready; /* threads pinned and waiting for go */
    atomic_int go;
    _Alignas(64) atomic_int phase;
    uint64_t stop_fast_ns;              /* when the window closed (bb_fast_ns), set before STOP */
    _Alignas(64) atomic_uint warm_done; /* --ops mode: threads whose warm-up ops all completed */
    atomic_int quota_go;                /* --ops mode: the window is open, run the quota */
} shared;

typedef struct worker {
    _Alignas(64) shared *sh;
    unsigned id;
    int pu_plan, pu_seen;
    uint64_t quota;          /* --ops mode */
    uint64_t counted;
    uint64_t last_done_ns;   /* --ops mode: last counted completion */
    uint64_t backlog;        /* open loop */
    uint64_t alloc0, alloc1; /* jemalloc thread.allocated at window open / close */
    int last_ph;
    bb_rng rng;
    bb_hist *hist;
    bb_op *win;
    uint64_t *intended;      /* open loop: intended start of each slot's op */
    pthread_t tid;
    int started;
} worker;

static inline void do_work(bb_rng *rng, uint64_t w)
{
    if (!w)
        return;
    uint64_t n = 1 + bb_rng_below(rng, w);
    for (uint64_t i = 0; i < n; i++)
        __asm__ __volatile__("" ::: "memory");
}

/* Submits a new op in slot, stamped with the submit time (written before the
 * op is published: the batch thread reads it). */
static inline void submit(worker *wk, unsigned slot)
{
    shared *sh = wk->sh;
    const bb_config *c = sh->c;
    bb_op *op = &wk->win[slot];
    c->w->make_op(bb_mix_draw(&c->mix, &wk->rng), &wk->rng, op);
    sh->c->w->check_submit(sh->chk, wk->id, slot, op);
    op->submit_ns = bb_fast_ns();
    if (sh->b) {
        bb_submit(sh->b, op, wk->id);
    } else {
        op->thread = wk->id;
        c->v->apply(sh->inst, op);
        atomic_store_explicit(&op->state, BB_OP_DONE, memory_order_relaxed);
    }
}


/* Waits for slot's op; returns its completion time. */
static inline uint64_t complete(worker *wk, unsigned slot)
{
    bb_op *op = &wk->win[slot];
    if (wk->sh->b)
        bb_wait(wk->sh->b, op);
    uint64_t t = bb_fast_ns();
    wk->sh->c->w->check_complete(wk->sh->chk, wk->id, slot, op);
    return t;
}

/* Called with the phase seen after each completion: reads the thread's
 * allocation counter when the window opens and when it closes. */
static inline void phase_seen(worker *wk, int ph)
{
    if (ph == wk->last_ph)
        return;
    if (ph == PH_MEASURE)
        wk->alloc0 = bb_thread_allocated();
    else if (ph == PH_STOP && wk->last_ph == PH_MEASURE)
        wk->alloc1 = bb_thread_allocated();
    wk->last_ph = ph;
}


/* openloop.c: a thread's open-loop run (--rate). */
void bb_open_loop(worker *wk);

#endif

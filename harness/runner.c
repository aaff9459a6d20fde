/* runner.c - runs one configuration: threads behind a barrier, a warm-up, a
 * measured window on CLOCK_MONOTONIC, then the structure's check.
 *
 * Counting: in --duration mode, an op counts if its completion is observed
 * while the phase is MEASURE (the window is [start, stop] taken by the main
 * thread; the error is at most one op per thread at each edge). In --ops mode
 * each thread submits its share of N after the window opens and the window
 * closes at the last of those completions. Latency = submit to observed
 * completion, recorded for counted ops only. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner_int.h"

static void *worker_main(void *arg)
{
    worker *wk = arg;
    shared *sh = wk->sh;
    const bb_config *c = sh->c;
    bb_topo_bind_self(sh->topo, wk->pu_plan);
    wk->pu_seen = bb_topo_current_pu();
    atomic_fetch_add(&sh->ready, 1);
    while (!atomic_load_explicit(&sh->go, memory_order_acquire))
        sched_yield();
    if (atomic_load_explicit(&sh->phase, memory_order_acquire) == PH_STOP)
        return NULL; /* aborted, or a zero-length window */

    unsigned D = c->depth;
    if (c->rate > 0) {
        bb_open_loop(wk);
        return NULL;
    }
    if (!c->by_ops) {
        /* Duration mode: keep D ops in flight until STOP. */
        unsigned inflight = 0;
        for (unsigned s = 0; s < D; s++, inflight++)
            submit(wk, s);
        for (unsigned s = 0; inflight; s = (s + 1) % D) {
            uint64_t t = complete(wk, s);
            inflight--;
            int ph = atomic_load_explicit(&sh->phase, memory_order_acquire);
            phase_seen(wk, ph);
            if (ph == PH_MEASURE) {
                wk->counted++;
                bb_hist_record(wk->hist, t - wk->win[s].submit_ns);
            }
            if (ph == PH_STOP) {
                /* finish the ops still in flight without submitting more */
                continue;
            }
            do_work(&wk->rng, c->work);
            submit(wk, s);
            inflight++;
        }
        return NULL;
    }

    /* --ops mode: warm up until the window opens, then run the quota. */
    unsigned inflight = 0, s = 0;
    if (atomic_load_explicit(&sh->phase, memory_order_acquire) == PH_WARMUP) {
        for (; inflight < D; inflight++)
            submit(wk, inflight);
        for (s = 0; atomic_load_explicit(&sh->phase, memory_order_acquire) == PH_WARMUP;
             s = (s + 1) % D) {
            complete(wk, s);
            do_work(&wk->rng, c->work);
            submit(wk, s);
        }
        for (unsigned k = 0; k < D; k++)
            complete(wk, k);
    }
    /* the window opens once every thread's warm-up ops have completed */
    atomic_fetch_add(&sh->warm_done, 1);
    while (!atomic_load_explicit(&sh->quota_go, memory_order_acquire))
        sched_yield();
    uint64_t left = wk->quota;
    wk->alloc0 = bb_thread_allocated();
    inflight = 0;
    for (unsigned k = 0; k < D && left; k++, left--, inflight++)
        submit(wk, k);
    for (s = 0; inflight; s = (s + 1) % D) {
        uint64_t t = complete(wk, s);
        inflight--;
        wk->counted++;
        wk->last_done_ns = t; /* bb_fast_ns: the same time base as bb_now_ns */
        bb_hist_record(wk->hist, t - wk->win[s].submit_ns);
        if (left) {
            do_work(&wk->rng, c->work);
            submit(wk, s);
            left--;
            inflight++;
        }
    }
    wk->alloc1 = bb_thread_allocated();
    return NULL;
}

static void sleep_until(uint64_t deadline_ns)
{
    struct timespec ts = {(time_t)(deadline_ns / 1000000000ull), (long)(deadline_ns % 1000000000ull)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

void bb_result_free(bb_result *r)
{
    free(r->pu_plan);
    free(r->pu_seen);
    free(r->thread_ops);
    free(r->hist);
    r->pu_plan = r->pu_seen = NULL;
    r->thread_ops = NULL;
    r->hist = NULL;
}

int bb_run_config(const bb_config *c, unsigned rep, const bb_topo *topo, bb_result *r,
                  bb_err *err)
{
    memset(r, 0, sizeof *r);
    unsigned T = c->threads;
    int rc = BB_OK;
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.c = c;
    sh.topo = topo;
    r->pu_plan = calloc(T, sizeof(int));
    r->pu_seen = calloc(T, sizeof(int));
    worker *wk = aligned_alloc(64, T * sizeof *wk);
    if (!r->pu_plan || !r->pu_seen || !wk) {
        free(wk);
        bb_result_free(r);
        return bb_fail(err, BB_ENOMEM, "out of memory");
    }
    memset(wk, 0, T * sizeof *wk);
    /* Plan T+1 places: the extra one is for a launch's own thread (the
     * dedicated server): a PU of its own when one is free, else shared. */
    int *plan = calloc(T + 1, sizeof(int)), server_shares = 0;
    if (!plan) {
        rc = bb_fail(err, BB_ENOMEM, "out of memory");
        goto out_free;
    }
    if ((rc = bb_topo_plan(topo, &c->pin, T, r->pu_plan, &r->oversubscribed, err)) ||
        (rc = bb_topo_plan(topo, &c->pin, T + 1, plan, &server_shares, err))) {
        free(plan);
        goto out_free;
    }
    int server_pu = plan[T];
    free(plan);

    bb_workload_params wp = {T, c->depth, c->seed};
    void *ds = NULL;
    uint64_t a0 = bb_thread_allocated(), d0 = bb_thread_deallocated();
    if (c->v->ds) {
        ds = c->v->ds->create(&wp);
        bb_batcher_config bc = {.ds = c->v->ds, .ds_inst = ds, .queue = c->q,
                                .queue_spec = c->queue_text, .launch = c->l,
                                .launch_spec = c->launch_text, .wait = c->wait,
                                .max_threads = T, .depth = c->depth, .topo = topo,
                                .server_pu = server_pu, .server_shares_pu = server_shares};
        if (!ds) {
            rc = bb_fail(err, BB_ENOMEM, "out of memory creating the structure");
            goto out_free;
        }
        if ((rc = bb_batcher_create(&bc, &sh.b, err))) {
            c->v->ds->destroy(ds);
            goto out_free;
        }
    } else if (!(sh.inst = c->v->create(&wp))) {
        rc = bb_fail(err, BB_ENOMEM, "out of memory creating the structure");
        goto out_free;
    }
    r->ds_bytes = a0 == UINT64_MAX ? -1
                                   : (int64_t)(bb_thread_allocated() - a0) -
                                         (int64_t)(bb_thread_deallocated() - d0);
    sh.chk = c->w->check_create(&wp);
    if (!sh.chk) {
        rc = bb_fail(err, BB_ENOMEM, "out of memory creating the checker");
        goto out_ds;
    }
    atomic_store(&sh.phase, PH_WARMUP);

    uint64_t base = c->by_ops ? c->ops / T : 0, extra = c->by_ops ? c->ops % T : 0;
    unsigned started = 0;
    for (unsigned i = 0; i < T; i++) {
        worker *w = &wk[i];
        w->sh = &sh;
        w->id = i;
        w->pu_plan = r->pu_plan[i];
        w->quota = base + (i < extra);
        w->alloc0 = w->alloc1 = UINT64_MAX;
        uint64_t seed = c->seed ^ ((uint64_t)rep << 40) ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull);
        bb_rng_seed(&w->rng, seed);
        w->hist = malloc(sizeof *w->hist);
        w->win = aligned_alloc(64, c->depth * sizeof(bb_op));
        w->intended = calloc(c->depth, sizeof *w->intended);
        if (!w->hist || !w->win || !w->intended) {
            rc = bb_fail(err, BB_ENOMEM, "out of memory");
            break;
        }
        bb_hist_init(w->hist);
        memset(w->win, 0, c->depth * sizeof(bb_op));
        if (pthread_create(&w->tid, NULL, worker_main, w)) {
            rc = bb_fail(err, BB_ESYS, "could not start thread %u", i);
            break;
        }
        w->started = 1;
        started++;
    }
    /* All threads start together once each is pinned; on a failed start the
     * ones already running are released straight into STOP. */
    while (atomic_load(&sh.ready) < started)
        sched_yield();
    if (rc) {
        for (unsigned i = 0; i < T; i++)
            wk[i].quota = 0;
        atomic_store(&sh.phase, PH_STOP);
        atomic_store(&sh.quota_go, 1);
    }
    atomic_store_explicit(&sh.go, 1, memory_order_release);
    bb_batcher_stats s0 = {0}, s1 = {0};
    uint64_t t0 = 0, t1 = 0;
    if (!rc) {
        uint64_t now = bb_now_ns();
        if (c->warmup > 0)
            sleep_until(now + (uint64_t)(c->warmup * 1e9));
        if (sh.b) {
            bb_batcher_stats_get(sh.b, &s0);
            bb_batcher_stats_reset_max(sh.b);
        }
        if (c->by_ops) {
            /* end the warm-up, wait for its ops to drain, then open the window */
            atomic_store_explicit(&sh.phase, PH_MEASURE, memory_order_release);
            while (atomic_load(&sh.warm_done) < T)
                sched_yield();
            if (sh.b) {
                bb_batcher_stats_get(sh.b, &s0);
                bb_batcher_stats_reset_max(sh.b);
            }
        }
        if (c->by_ops) {
            /* the window closes at the last completion, stamped by the
             * threads with bb_fast_ns: open it on the same clock */
            t0 = bb_fast_ns();
            atomic_store_explicit(&sh.quota_go, 1, memory_order_release);
        } else if (c->duration <= 0) {
            t0 = t1 = bb_now_ns();
            s1 = s0;
            sh.stop_fast_ns = bb_fast_ns();
            atomic_store_explicit(&sh.phase, PH_STOP, memory_order_release);
        } else {
            t0 = bb_now_ns();
            atomic_store_explicit(&sh.phase, PH_MEASURE, memory_order_release);
            sleep_until(t0 + (uint64_t)(c->duration * 1e9));
            t1 = bb_now_ns();
            if (sh.b)
                bb_batcher_stats_get(sh.b, &s1);
            sh.stop_fast_ns = bb_fast_ns(); /* published by the release below */
            atomic_store_explicit(&sh.phase, PH_STOP, memory_order_release);
        }
    }
    for (unsigned i = 0; i < T; i++)
        if (wk[i].started)
            pthread_join(wk[i].tid, NULL);
    if (!rc && c->by_ops) {
        t1 = t0;
        for (unsigned i = 0; i < T; i++)
            if (wk[i].counted && wk[i].last_done_ns > t1)
                t1 = wk[i].last_done_ns;
        if (sh.b) {
            bb_drain(sh.b); /* a server thread may still be updating its counters */
            bb_batcher_stats_get(sh.b, &s1);
        }
    }

    if (!rc) {
        bb_hist *all = malloc(sizeof *all);
        r->thread_ops = calloc(T, sizeof *r->thread_ops);
        if (!all || !r->thread_ops) {
            free(all);
            rc = bb_fail(err, BB_ENOMEM, "out of memory");
        } else {
            bb_hist_init(all);
            uint64_t alloc = 0;
            int alloc_ok = 0; /* at least one thread read its counter at both edges */
            for (unsigned i = 0; i < T; i++) {
                r->ops += wk[i].counted;
                r->thread_ops[i] = wk[i].counted;
                r->backlog += wk[i].backlog;
                bb_hist_merge(all, wk[i].hist);
                r->pu_seen[i] = wk[i].pu_seen;
                if (wk[i].alloc0 != UINT64_MAX && wk[i].alloc1 != UINT64_MAX &&
                    wk[i].alloc1 >= wk[i].alloc0) {
                    alloc += wk[i].alloc1 - wk[i].alloc0;
                    alloc_ok = 1;
                }
            }
            r->alloc_per_op = !alloc_ok ? -1.0 : r->ops ? (double)alloc / (double)r->ops : 0.0;
            double mean = (double)r->ops / T, ss = 0;
            for (unsigned i = 0; i < T; i++)
                ss += ((double)r->thread_ops[i] - mean) * ((double)r->thread_ops[i] - mean);
            r->fairness_cv = mean > 0 && T > 1 ? sqrt(ss / (T - 1)) / mean : 0.0;
            r->seconds = (double)(t1 - t0) / 1e9;
            r->mops = r->seconds > 0 ? (double)r->ops / r->seconds / 1e6 : 0.0;
            r->lat_p50 = bb_hist_quantile(all, 0.50);
            r->lat_p90 = bb_hist_quantile(all, 0.90);
            r->lat_p99 = bb_hist_quantile(all, 0.99);
            r->lat_p999 = bb_hist_quantile(all, 0.999);
            r->lat_p9999 = bb_hist_quantile(all, 0.9999);
            r->lat_overflow = all->overflow;
            r->hist = all;
            r->lat_max = all->count ? all->max : 0;
            r->batches = s1.batches - s0.batches;
            if (!r->batches)
                s1.max_batch = 0; /* the max can only be read since the reset: none ran */
            for (int k = 0; k < BB_BATCH_BUCKETS; k++)
                r->size_hist[k] = s1.size_hist[k] - s0.size_hist[k];
            uint64_t bops = s1.ops - s0.ops, qops = s1.queue_wait_ops - s0.queue_wait_ops;
            r->queue_wait_ns = qops ? (double)(s1.queue_wait_ns - s0.queue_wait_ns) / (double)qops : 0;
            r->batch_run_ns = bops ? (double)(s1.batch_run_ns - s0.batch_run_ns) / (double)bops : 0;
            r->flush_size = s1.launch.flush_size - s0.launch.flush_size;
            r->flush_deadline = s1.launch.flush_deadline - s0.launch.flush_deadline;
            r->server_pu = s1.launch.server_pu;
            r->server_shares_pu = s1.launch.server_shares_pu;
            r->max_batch = s1.max_batch;
            r->mean_batch = r->batches ? (double)(s1.ops - s0.ops) / (double)r->batches : 0.0;
        }
        /* Every op completed; now check the structure. */
        int64_t size;
        if (sh.b) {
            bb_drain(sh.b);
            bb_batcher_stats st;
            bb_batcher_stats_get(sh.b, &st);
            if (!rc && (st.overlaps || st.double_completions))
                rc = bb_fail(err, BB_ECHECK,
                             "batcher check failed: %llu overlapping batches, %llu ops completed "
                             "twice", (unsigned long long)st.overlaps,
                             (unsigned long long)st.double_completions);
            size = c->v->ds->size(ds);
            if (!rc && c->v->ds->check)
                rc = c->v->ds->check(ds, err);
        } else {
            size = c->v->size(sh.inst);
        }
        if (!rc)
            rc = c->w->check_final(sh.chk, size, err);
    }
    c->w->check_destroy(sh.chk);
out_ds:
    if (sh.b) {
        bb_batcher_destroy(sh.b);
        c->v->ds->destroy(ds);
    } else if (sh.inst) {
        c->v->destroy(sh.inst);
    }
out_free:
    for (unsigned i = 0; i < T; i++) {
        free(wk[i].hist);
        free(wk[i].win);
        free(wk[i].intended);
    }
    free(wk);
    if (rc)
        bb_result_free(r);
    return rc;
}

/* Batcher conformance for every queue x launch pair: 1, 2 and 8 threads,
 * depth 1 and 8, batch_limit unlimited, 1 and 2. A recording structure checks
 * that batches never overlap, respect batch_limit and keep each thread's ops
 * in submission order; threads check every result; after joining, submitted
 * == completed == taken. Plus the lost-wake-up scenario: a lone op submitted
 * while the worker is inside a batch (after it took the queue) completes. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/batcher.h"
#include "strategies/registry.h"
#include "testutil.h"

#define MAXT 16

typedef struct {
    atomic_int in_batch;
    uint64_t limit;
    /* written only inside run_batch (one at a time), read after joining */
    int64_t last_key[MAXT];
    uint64_t overlaps, over_limit, bad_order, bad_thread, processed, batches;
} rec_ds;

static void *rec_create(const void *p)
{
    (void)p;
    rec_ds *d = calloc(1, sizeof *d);
    for (int i = 0; i < MAXT; i++)
        d->last_key[i] = -1;
    return d;
}

static void rec_destroy(void *d)
{
    free(d);
}

static void rec_run(void *vd, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)ex;
    rec_ds *d = vd;
    if (atomic_exchange(&d->in_batch, 1))
        d->overlaps++;
    if (d->limit && n > d->limit)
        d->over_limit++;
    for (size_t i = 0; i < n; i++) {
        bb_op *op = ops[i];
        if (op->thread >= MAXT) {
            d->bad_thread++;
            continue;
        }
        if (op->key <= d->last_key[op->thread])
            d->bad_order++;
        d->last_key[op->thread] = op->key;
        op->result = op->key * 3 + 1;
    }
    d->processed += n;
    d->batches++;
    atomic_store(&d->in_batch, 0);
}

static int64_t rec_size(void *d)
{
    return (int64_t)((rec_ds *)d)->processed;
}

static const bb_ds_vtable rec_vt = {"recorder", rec_create, rec_destroy, rec_run, NULL, rec_size};

/* The launch spec used by the conformance runs: timeout gets a 1 us deadline
 * (so its deadline path runs on every op without making 100k ops take long)
 * and dedicated a short idle spin. */
static int cas_rounds; /* when set, cas also gets max_rounds=1 (hand over after each batch) */
static int cas_lazy;   /* when set, cas gets lazy=1 (submissions only push) */

static void launch_spec(const bb_launch_vtable *lv, unsigned limit, char *buf, size_t len)
{
    const char *extra = !strcmp(lv->name, "timeout")     ? ":timeout_us=1:min_batch=8"
                        : !strcmp(lv->name, "dedicated") ? ":spin_us=5"
                        : cas_rounds && cas_lazy         ? ":max_rounds=1:lazy=1"
                        : cas_rounds                     ? ":max_rounds=1"
                        : cas_lazy                       ? ":lazy=1"
                                                         : "";
    if (limit)
        snprintf(buf, len, "%s%s:batch_limit=%u", lv->name, extra, limit);
    else
        snprintf(buf, len, "%s%s", lv->name, extra);
}

static bb_batcher *make(const bb_ds_vtable *vt, void *ds, const bb_queue_vtable *qv,
                        const char *qspec, const bb_launch_vtable *lv, const char *lspec,
                        bb_wait_policy wait, unsigned threads, unsigned depth)
{
    bb_batcher_config cfg = {.ds = vt, .ds_inst = ds, .queue = qv, .queue_spec = qspec,
                             .launch = lv, .launch_spec = lspec, .wait = wait,
                             .max_threads = threads, .depth = depth, .server_pu = -1};
    bb_batcher *b = NULL;
    bb_err err;
    int rc = bb_batcher_create(&cfg, &b, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    return b;
}

typedef struct {
    bb_batcher *b;
    unsigned id, depth;
    long ops;
    long wrong_result, completed;
    atomic_int *go;
} client;

static void *client_main(void *arg)
{
    client *c = arg;
    bb_op *win = aligned_alloc(64, c->depth * sizeof(bb_op));
    while (!atomic_load(c->go))
        sched_yield();
    long next = 0, inflight = 0;
    unsigned s = 0;
    for (; inflight < (long)c->depth && next < c->ops; inflight++, next++) {
        bb_op_init(&win[inflight], 0, next, 0);
        bb_submit(c->b, &win[inflight], c->id);
    }
    while (inflight) {
        bb_op *op = &win[s];
        bb_wait(c->b, op);
        if (op->result != op->key * 3 + 1)
            c->wrong_result++;
        c->completed++;
        inflight--;
        if (next < c->ops) {
            bb_op_init(op, 0, next++, 0);
            bb_submit(c->b, op, c->id);
            inflight++;
        }
        s = (s + 1) % c->depth;
    }
    free(win);
    return NULL;
}

static void run_matrix_case(const bb_queue_vtable *qv, const bb_launch_vtable *lv,
                            unsigned threads, unsigned depth, unsigned limit, long total,
                            bb_wait_policy wait)
{
    char lspec[128];
    launch_spec(lv, limit, lspec, sizeof lspec);
    bb_watchdog(120, "queue=%s launch=%s threads=%u depth=%u wait=%s", qv->name, lspec, threads,
                depth, bb_wait_policy_name(wait));
    rec_ds *d = rec_create(NULL);
    d->limit = limit;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bb_batcher *b = make(&rec_vt, d, qv, NULL, lv, lspec, wait, threads, depth);
    assert_int_equal(bb_batcher_batch_limit(b), limit);
    client cl[MAXT];
    pthread_t th[MAXT];
    atomic_int go = 0;
    for (unsigned i = 0; i < threads; i++) {
        cl[i] = (client){b, i, depth, total / threads + (i < total % threads), 0, 0, &go};
        assert_int_equal(pthread_create(&th[i], NULL, client_main, &cl[i]), 0);
    }
    atomic_store(&go, 1);
    long completed = 0, wrong = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        completed += cl[i].completed;
        wrong += cl[i].wrong_result;
    }
    bb_drain(b);
    bb_batcher_stats st;
    bb_batcher_stats_get(b, &st);
    bb_batcher_destroy(b);
    bb_watchdog(0, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getenv("BB_TEST_TIMING"))
        fprintf(stderr, "%8.3f s  %s\n",
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                bb_watch_what);
    assert_int_equal(completed, total);
    assert_int_equal(wrong, 0);
    assert_int_equal(d->processed, total);
    assert_int_equal(st.ops, total);
    assert_int_equal(st.batches, d->batches);
    assert_int_equal(d->overlaps, 0);
    assert_int_equal(st.overlaps, 0);
    assert_int_equal(st.double_completions, 0);
    assert_int_equal(d->over_limit, 0);
    assert_int_equal(d->bad_order, 0);
    assert_int_equal(d->bad_thread, 0);
    if (limit)
        assert_true(st.max_batch <= limit);
    rec_destroy(d);
}

/* Every launch x queue x wait policy; 1, 2 and 16 threads (oversubscribed on
 * a 2-PU machine); depth 1 and 16. */
static void test_matrix(void **state)
{
    (void)state;
    static const unsigned threads[] = {1, 2, 16}, depths[] = {1, 16};
    long total = BB_TEST_SLOW ? 10000 : 100000;
    for (int q = 0; bb_queues[q]; q++)
        for (int l = 0; bb_launches[l]; l++)
            for (int lz = 0; lz < (bb_launches[l] == &bb_launch_cas ? 2 : 1); lz++)
                for (int w = 0; w < 4; w++)
                    for (int t = 0; t < 3; t++)
                        for (int d = 0; d < 2; d++) {
                            cas_lazy = lz;
                            run_matrix_case(bb_queues[q], bb_launches[l], threads[t], depths[d],
                                            0, total, (bb_wait_policy)w);
                        }
    cas_lazy = 0;
}

/* batch_limit 1 and 2 are respected (and leftovers keep their order) for
 * every queue x launch x wait policy; cas also with max_rounds=1, so the
 * worker releases the flag after every batch. */
static void test_batch_limit(void **state)
{
    (void)state;
    cas_rounds = 1;
    static const unsigned threads[] = {2, 16}, depths[] = {1, 16}, limits[] = {1, 2};
    long total = BB_TEST_SLOW ? 2000 : 10000;
    for (int q = 0; bb_queues[q]; q++)
        for (int l = 0; bb_launches[l]; l++)
            for (int w = 0; w < 4; w++)
                for (int t = 0; t < 2; t++)
                    for (int d = 0; d < 2; d++)
                        for (int k = 0; k < 2; k++) {
                            cas_lazy = k; /* cas: lazy=1 with batch_limit=2 */
                            run_matrix_case(bb_queues[q], bb_launches[l], threads[t], depths[d],
                                            limits[k], total, (bb_wait_policy)w);
                        }
    cas_rounds = 0;
    cas_lazy = 0;
}

/* A bounded ring smaller than the ops in flight: producers meet a full queue
 * and must make room (backpressure), never drop or deadlock. */
static void test_ring_backpressure(void **state)
{
    (void)state;
    cas_lazy = 0;
    for (int l = 0; bb_launches[l]; l++)
        for (int w = 0; w < 4; w++) {
            char lspec[128];
            launch_spec(bb_launches[l], 0, lspec, sizeof lspec);
            bb_watchdog(120, "ring capacity 4, launch=%s wait=%s", lspec,
                        bb_wait_policy_name((bb_wait_policy)w));
            rec_ds *d = rec_create(NULL);
            bb_batcher *b = make(&rec_vt, d, &bb_queue_ring, "ring:capacity=4", bb_launches[l],
                                 lspec, (bb_wait_policy)w, 8, 16);
            client cl[8];
            pthread_t th[8];
            atomic_int go = 0;
            long total = BB_TEST_SLOW ? 4000 : 20000;
            for (unsigned i = 0; i < 8; i++) {
                cl[i] = (client){b, i, 16, total / 8, 0, 0, &go};
                assert_int_equal(pthread_create(&th[i], NULL, client_main, &cl[i]), 0);
            }
            atomic_store(&go, 1);
            long completed = 0;
            for (unsigned i = 0; i < 8; i++) {
                pthread_join(th[i], NULL);
                completed += cl[i].completed;
                assert_int_equal(cl[i].wrong_result, 0);
            }
            bb_batcher_stats st;
            bb_batcher_stats_get(b, &st);
            bb_batcher_destroy(b);
            bb_watchdog(0, NULL);
            assert_int_equal(completed, total);
            assert_int_equal(d->processed, total);
            assert_int_equal(d->bad_order, 0);
            assert_int_equal(st.double_completions, 0);
            rec_destroy(d);
        }
}

/* ---- lost wake-up: a lone op submitted right after a batch was taken ---- */

typedef struct {
    atomic_int entered, release;
} gate_ds;

static void *gate_create(const void *p)
{
    (void)p;
    return calloc(1, sizeof(gate_ds));
}

static void gate_run(void *vd, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)ex;
    gate_ds *g = vd;
    for (size_t i = 0; i < n; i++)
        ops[i]->result = ops[i]->key;
    if (atomic_fetch_add(&g->entered, 1) == 0)
        while (!atomic_load(&g->release)) /* hold the first batch open */
            sched_yield();
}

static const bb_ds_vtable gate_vt = {"gate", gate_create, rec_destroy, gate_run, NULL, NULL};

typedef struct {
    bb_batcher *b;
    bb_op op;
    unsigned id;
} lone;

static void *lone_main(void *arg)
{
    lone *x = arg;
    bb_exec(x->b, &x->op, x->id);
    return NULL;
}

static void test_lost_wakeup(void **state)
{
    (void)state;
    for (int lz = 0; lz < 2; lz++) /* cas eager and lazy */
    for (int q = 0; bb_queues[q]; q++)
        for (int l = 0; bb_launches[l]; l++)
            for (int w = 0; w < 4; w++) {
                if (lz && bb_launches[l] != &bb_launch_cas)
                    continue; /* lazy is a cas option */
                cas_lazy = lz;
                bb_watchdog(30, "lost wake-up: queue=%s launch=%s%s wait=%s", bb_queues[q]->name,
                            bb_launches[l]->name, lz ? ":lazy=1" : "",
                            bb_wait_policy_name((bb_wait_policy)w));
                gate_ds *g = gate_create(NULL);
                char lspec[128];
                launch_spec(bb_launches[l], 0, lspec, sizeof lspec);
                bb_batcher *b = make(&gate_vt, g, bb_queues[q], NULL, bb_launches[l], lspec,
                                     (bb_wait_policy)w, 2, 1);
                lone a = {b, {0}, 0}, c = {b, {0}, 1};
                bb_op_init(&a.op, 0, 11, 0);
                bb_op_init(&c.op, 0, 22, 0);
                pthread_t ta, tc;
                assert_int_equal(pthread_create(&ta, NULL, lone_main, &a), 0);
                while (!atomic_load(&g->entered)) /* a's batch is running: the queue is empty */
                    sched_yield();
                assert_int_equal(pthread_create(&tc, NULL, lone_main, &c), 0);
                /* let c submit and settle into waiting (parked, for park/adaptive) */
                for (int i = 0; i < 2000 && atomic_load(&c.op.state) != BB_OP_PARKED; i++)
                    usleep(100);
                atomic_store(&g->release, 1);
                pthread_join(ta, NULL);
                pthread_join(tc, NULL);
                bb_watchdog(0, NULL);
                assert_int_equal(a.op.result, 11);
                assert_int_equal(c.op.result, 22);
                assert_true(bb_op_done(&c.op));
                bb_batcher_destroy(b);
                free(g);
            }
}

/* The narrowest window: an op pushed after the worker found the queue empty
 * but before it released the flag. A wrapping queue opens that window on
 * purpose: when the worker's take() comes back empty, it lets a second thread
 * submit (its launch attempt fails: the flag is still held) and only then
 * returns. A launcher that does not re-check the queue after releasing the
 * flag strands that op, and this test hangs (the watchdog fails it). */
static const bb_queue_vtable *win_inner;
static atomic_int win_armed, win_go, win_pushed;

static int win_create(const bb_spec *s, const bb_queue_params *p, void **out, bb_err *err)
{
    return win_inner->create(s, p, out, err);
}
static void win_destroy(void *q)
{
    win_inner->destroy(q);
}
static int win_push(void *q, bb_op *op)
{
    int rc = win_inner->push(q, op);
    if (rc == 0 && op->key == 22)
        atomic_store(&win_pushed, 1);
    return rc;
}
static size_t win_take(void *q, bb_op **out, size_t max)
{
    size_t n = win_inner->take(q, out, max);
    if (n == 0 && atomic_exchange(&win_armed, 0)) {
        atomic_store(&win_go, 1);
        while (!atomic_load(&win_pushed))
            sched_yield();
    }
    return n;
}
static int win_empty(void *q)
{
    return win_inner->empty(q);
}
static const bb_queue_vtable win_vt = {"window", "test wrapper", NULL, win_create, win_destroy,
                                       win_push, win_take, win_empty};

static void *late_main(void *arg)
{
    lone *x = arg;
    while (!atomic_load(&win_go))
        sched_yield();
    bb_exec(x->b, &x->op, x->id);
    return NULL;
}

static void test_release_window(void **state)
{
    (void)state;
    for (int lz = 0; lz < 2; lz++) /* cas eager and lazy */
    for (int q = 0; bb_queues[q]; q++)
        for (int l = 0; bb_launches[l]; l++)
            for (int w = 0; w < 4; w++) {
                if (lz && bb_launches[l] != &bb_launch_cas)
                    continue; /* lazy is a cas option */
                cas_lazy = lz;
                bb_watchdog(30, "release window: queue=%s launch=%s%s wait=%s", bb_queues[q]->name,
                            bb_launches[l]->name, lz ? ":lazy=1" : "",
                            bb_wait_policy_name((bb_wait_policy)w));
                win_inner = bb_queues[q];
                atomic_store(&win_armed, 1);
                atomic_store(&win_go, 0);
                atomic_store(&win_pushed, 0);
                rec_ds *d = rec_create(NULL);
                char lspec[128];
                launch_spec(bb_launches[l], 0, lspec, sizeof lspec);
                bb_batcher *b = make(&rec_vt, d, &win_vt, bb_queues[q]->name, bb_launches[l],
                                     lspec, (bb_wait_policy)w, 2, 1);
                lone a = {b, {0}, 0}, c = {b, {0}, 1};
                bb_op_init(&a.op, 0, 11, 0);
                bb_op_init(&c.op, 0, 22, 0);
                pthread_t tc;
                assert_int_equal(pthread_create(&tc, NULL, late_main, &c), 0);
                bb_exec(b, &a.op, 0);
                pthread_join(tc, NULL);
                bb_watchdog(0, NULL);
                assert_int_equal(a.op.result, 11 * 3 + 1);
                assert_int_equal(c.op.result, 22 * 3 + 1);
                assert_int_equal(atomic_load(&win_armed), 0); /* the window was opened */
                bb_batcher_destroy(b);
                rec_destroy(d);
            }
}

/* destroy completes every queued op; submitting nothing and destroying is fine */
static void test_destroy_completes(void **state)
{
    (void)state;
    for (int q = 0; bb_queues[q]; q++)
        for (int l = 0; bb_launches[l]; l++) {
            rec_ds *d = rec_create(NULL);
            bb_batcher *b = make(&rec_vt, d, bb_queues[q], NULL, bb_launches[l], NULL,
                                 BB_WAIT_ADAPTIVE, 1, 64);
            bb_batcher_destroy(b);
            assert_int_equal(d->processed, 0);
            rec_destroy(d);
        }
}

/* Bad specs are rejected with a message naming the option. */
static void test_bad_specs(void **state)
{
    (void)state;
    static const char *bad[] = {"cas:batch_limit=-1", "cas:batch_limit=x", "cas:nope=1",
                                "cas:batch_limit", "cas:batch_limit=1:batch_limit=2", "ca$"};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        rec_ds *d = rec_create(NULL);
        bb_batcher_config cfg = {.ds = &rec_vt, .ds_inst = d, .queue = &bb_queue_stack,
                                 .launch = &bb_launch_cas, .launch_spec = bad[i],
                                 .max_threads = 1, .depth = 1, .server_pu = -1};
        bb_batcher *b = NULL;
        bb_err err = {{0}};
        assert_int_equal(bb_batcher_create(&cfg, &b, &err), BB_EINVAL);
        assert_null(b);
        assert_true(strlen(err.msg) > 0);
        rec_destroy(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_destroy_completes),
        cmocka_unit_test(test_lost_wakeup),
        cmocka_unit_test(test_release_window),
        cmocka_unit_test(test_ring_backpressure),
        cmocka_unit_test(test_batch_limit),
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

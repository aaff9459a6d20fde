/* Counter: every variant (batched with every queue x launch) gives the exact
 * final value under concurrency, its checker accepts the run, and the checker
 * rejects histories that no correct counter could produce. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/batcher.h"
#include "strategies/registry.h"
#include "testutil.h"
#include "workloads/counter/counter.h"
#include "workloads/mix.h"

#define THREADS 4
#define OPS_PER_THREAD (BB_TEST_SLOW ? 5000 : 50000)

typedef struct {
    const bb_variant *v;
    void *inst;
    bb_batcher *b;
    void *chk;
    unsigned id;
    int64_t added;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    bb_mix mix;
    bb_mix_parse("get:20,incr:60,add:20", bb_counter_workload.op_names, &mix, NULL);
    bb_rng rng;
    bb_rng_seed(&rng, 42 + w->id);
    bb_op op;
    for (int i = 0; i < OPS_PER_THREAD; i++) {
        bb_counter_workload.make_op(bb_mix_draw(&mix, &rng), &rng, &op);
        bb_counter_workload.check_submit(w->chk, w->id, 0, &op);
        if (op.code == BB_COUNTER_INCR)
            w->added += 1;
        else if (op.code == BB_COUNTER_ADD)
            w->added += op.arg;
        if (w->b)
            bb_exec(w->b, &op, w->id);
        else
            w->v->apply(w->inst, &op);
        bb_counter_workload.check_complete(w->chk, w->id, 0, &op);
    }
    return NULL;
}

static void run_variant(const bb_variant *v, const bb_queue_vtable *q, const bb_launch_vtable *l)
{
    unsigned threads = v->max_threads ? v->max_threads : THREADS;
    bb_watchdog(120, "counter %s %s %s", v->name, q ? q->name : "-", l ? l->name : "-");
    bb_workload_params wp = {threads, 1, 1};
    void *inst = v->ds ? v->ds->create(&wp) : v->create(&wp);
    bb_batcher *b = NULL;
    if (v->ds) {
        bb_batcher_config cfg = {.ds = v->ds, .ds_inst = inst, .queue = q, .launch = l,
                                 .launch_spec = !strcmp(l->name, "timeout")
                                                    ? "timeout:timeout_us=50:min_batch=4"
                                                    : NULL,
                                 .max_threads = threads, .depth = 1, .server_pu = -1};
        assert_int_equal(bb_batcher_create(&cfg, &b, NULL), 0);
    }
    void *chk = bb_counter_workload.check_create(&wp);
    worker w[THREADS];
    pthread_t th[THREADS];
    for (unsigned i = 0; i < threads; i++) {
        w[i] = (worker){v, inst, b, chk, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    int64_t expect = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        expect += w[i].added;
    }
    int64_t value;
    if (b) {
        bb_drain(b);
        value = v->ds->size(inst);
    } else {
        value = v->size(inst);
    }
    bb_watchdog(0, NULL);
    assert_int_equal(value, expect);
    bb_err err;
    int rc = bb_counter_workload.check_final(chk, value, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    /* the checker is not vacuous: a wrong final value is caught */
    assert_int_equal(bb_counter_workload.check_final(chk, value + 1, &err), BB_ECHECK);
    bb_counter_workload.check_destroy(chk);
    if (b)
        bb_batcher_destroy(b);
    if (v->ds)
        v->ds->destroy(inst);
    else
        v->destroy(inst);
}

static void test_all_variants(void **state)
{
    (void)state;
    const bb_workload *w = &bb_counter_workload;
    for (int i = 0; w->variants[i]; i++) {
        const bb_variant *v = w->variants[i];
        if (!v->ds) {
            run_variant(v, NULL, NULL);
            continue;
        }
        for (int q = 0; bb_queues[q]; q++)
            for (int l = 0; bb_launches[l]; l++)
                run_variant(v, bb_queues[q], bb_launches[l]);
    }
}

/* Batched semantics: a get sees the value before its batch. */
static void test_batched_semantics(void **state)
{
    (void)state;
    void *ds = bb_counter_ds.create(NULL);
    bb_op o[5], *ops[5];
    bb_op_init(&o[0], BB_COUNTER_INCR, 0, 0);
    bb_op_init(&o[1], BB_COUNTER_GET, 0, 0);
    bb_op_init(&o[2], BB_COUNTER_ADD, 0, 5);
    bb_op_init(&o[3], BB_COUNTER_GET, 0, 0);
    bb_op_init(&o[4], BB_COUNTER_INCR, 0, 0);
    for (int i = 0; i < 5; i++)
        ops[i] = &o[i];
    bb_counter_ds.run_batch(ds, ops, 5, bb_executor_serial());
    assert_int_equal(o[1].result, 0);
    assert_int_equal(o[3].result, 0);
    assert_int_equal(bb_counter_ds.size(ds), 7);
    bb_counter_ds.run_batch(ds, ops + 1, 1, bb_executor_serial());
    assert_int_equal(o[1].result, 7);
    bb_counter_ds.destroy(ds);
}

/* The checker rejects a get that misses the thread's own completed increment,
 * and a get above the final total. */
static void test_checker_rejects(void **state)
{
    (void)state;
    bb_workload_params wp = {1, 1, 1};
    const bb_workload *w = &bb_counter_workload;
    bb_err err;
    void *chk = w->check_create(&wp);
    bb_op inc, get;
    bb_op_init(&inc, BB_COUNTER_INCR, 0, 0);
    bb_op_init(&get, BB_COUNTER_GET, 0, 0);
    w->check_submit(chk, 0, 0, &inc);
    w->check_complete(chk, 0, 0, &inc);
    w->check_submit(chk, 0, 0, &get);
    get.result = 0; /* stale: own increment already completed */
    w->check_complete(chk, 0, 0, &get);
    assert_int_equal(w->check_final(chk, 1, &err), BB_ECHECK);
    w->check_destroy(chk);

    chk = w->check_create(&wp);
    w->check_submit(chk, 0, 0, &get);
    get.result = 5; /* nobody ever added anything */
    w->check_complete(chk, 0, 0, &get);
    assert_int_equal(w->check_final(chk, 0, &err), BB_ECHECK);
    w->check_destroy(chk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batched_semantics),
        cmocka_unit_test(test_checker_rejects),
        cmocka_unit_test(test_all_variants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

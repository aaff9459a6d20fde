/* Queue conformance, for every registered queue: 4 producers push
 * concurrently while one consumer takes with varying max; every op is taken
 * exactly once and each producer's ops come out in push order. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "strategies/registry.h"
#include "testutil.h"

#define PRODUCERS 4
#define PER_PRODUCER (BB_TEST_SLOW ? 20000 : 100000)

typedef struct {
    const bb_queue_vtable *qv;
    void *q;
    unsigned id;
    bb_op *ops;
    atomic_int *go;
} producer;

static void *produce(void *arg)
{
    producer *p = arg;
    while (!atomic_load(p->go))
        ;
    for (int i = 0; i < PER_PRODUCER; i++) {
        bb_op *op = &p->ops[i];
        bb_op_init(op, 0, i, 0);
        op->thread = p->id;
        while (p->qv->push(p->q, op)) /* a bounded queue is full: wait for the consumer */
            sched_yield();
    }
    return NULL;
}

static void conformance(const bb_queue_vtable *qv)
{
    bb_watchdog(120, "queue %s conformance", qv->name);
    bb_spec spec;
    bb_err err;
    assert_int_equal(bb_spec_parse(qv->name, &spec, &err), 0);
    bb_queue_params qp = {PRODUCERS, 1};
    void *q;
    assert_int_equal(qv->create(&spec, &qp, &q, &err), 0);
    assert_true(qv->empty(q));

    producer pr[PRODUCERS];
    pthread_t th[PRODUCERS];
    atomic_int go = 0;
    for (unsigned i = 0; i < PRODUCERS; i++) {
        pr[i] = (producer){qv, q, i, aligned_alloc(64, PER_PRODUCER * sizeof(bb_op)), &go};
        assert_non_null(pr[i].ops);
        assert_int_equal(pthread_create(&th[i], NULL, produce, &pr[i]), 0);
    }
    atomic_store(&go, 1);
    long next[PRODUCERS] = {0};
    long total = 0, bad_order = 0, bad_thread = 0, over_max = 0;
    bb_op *out[64];
    size_t max = 1;
    unsigned idle = 0;
    while (total < (long)PRODUCERS * PER_PRODUCER) {
        size_t n = qv->take(q, out, max);
        if (n > max)
            over_max++;
        for (size_t k = 0; k < n && k < 64; k++) {
            unsigned t = out[k]->thread;
            if (t >= PRODUCERS) {
                bad_thread++;
                continue;
            }
            if (out[k]->key != next[t])
                bad_order++;
            next[t] = out[k]->key + 1;
            total++;
        }
        max = max % 64 + 1;
        if (n == 0 && ++idle % 64 == 0)
            sched_yield();
    }
    for (unsigned i = 0; i < PRODUCERS; i++)
        pthread_join(th[i], NULL);
    bb_watchdog(0, NULL);
    assert_int_equal(over_max, 0);
    assert_int_equal(bad_thread, 0);
    assert_int_equal(bad_order, 0);
    for (unsigned i = 0; i < PRODUCERS; i++)
        assert_int_equal(next[i], PER_PRODUCER); /* all taken, none twice (order is strict) */
    assert_true(qv->empty(q));
    assert_int_equal(qv->take(q, out, 64), 0);
    qv->destroy(q);
    for (unsigned i = 0; i < PRODUCERS; i++)
        free(pr[i].ops);
}

static void test_all_queues(void **state)
{
    (void)state;
    for (int i = 0; bb_queues[i]; i++)
        conformance(bb_queues[i]);
}

/* A remainder left by a small max stays ahead of later pushes. */
static void test_leftover_order(void **state)
{
    (void)state;
    for (int i = 0; bb_queues[i]; i++) {
        const bb_queue_vtable *qv = bb_queues[i];
        bb_spec spec;
        bb_queue_params qp = {1, 16};
        void *q;
        bb_spec_parse(qv->name, &spec, NULL);
        assert_int_equal(qv->create(&spec, &qp, &q, NULL), 0);
        bb_op ops[10], *out[10];
        for (int k = 0; k < 5; k++) {
            bb_op_init(&ops[k], 0, k, 0);
            ops[k].thread = 0;
            assert_int_equal(qv->push(q, &ops[k]), 0);
        }
        assert_int_equal(qv->take(q, out, 2), 2);
        assert_int_equal(out[0]->key, 0);
        assert_int_equal(out[1]->key, 1);
        assert_false(qv->empty(q));
        for (int k = 5; k < 10; k++) {
            bb_op_init(&ops[k], 0, k, 0);
            ops[k].thread = 0;
            assert_int_equal(qv->push(q, &ops[k]), 0);
        }
        size_t got = 0;
        int64_t expect = 2;
        while (got < 8) {
            size_t n = qv->take(q, out, 3);
            assert_true(n > 0 && n <= 3);
            for (size_t k = 0; k < n; k++)
                assert_int_equal(out[k]->key, expect++);
            got += n;
        }
        assert_true(qv->empty(q));
        qv->destroy(q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_queues),
        cmocka_unit_test(test_leftover_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

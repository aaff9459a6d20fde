/* Launch-specific behaviour: shutdown of the timeout launch with ops pending
 * below min_batch, no thread left behind by create/destroy cycles, timeout
 * edge values (a lone op waits its timeout, then completes, without burning
 * CPU meanwhile), the flush counters. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/batcher.h"
#include "strategies/registry.h"
#include "testutil.h"

static void *echo_create(const void *p)
{
    (void)p;
    return calloc(1, 64);
}
static void echo_destroy(void *d)
{
    free(d);
}
static void echo_run(void *d, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)d, (void)ex;
    for (size_t i = 0; i < n; i++)
        ops[i]->result = ops[i]->key + 1;
}
static const bb_ds_vtable echo_vt = {"echo", echo_create, echo_destroy, echo_run, NULL, NULL};

static double now_s(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bb_batcher *make(void *ds, const bb_queue_vtable *q, const char *lspec,
                        const bb_launch_vtable *l, unsigned threads, unsigned depth)
{
    bb_batcher_config cfg = {.ds = &echo_vt, .ds_inst = ds, .queue = q, .launch = l,
                             .launch_spec = lspec, .wait = BB_WAIT_ADAPTIVE,
                             .max_threads = threads, .depth = depth, .server_pu = -1};
    bb_batcher *b = NULL;
    bb_err err;
    int rc = bb_batcher_create(&cfg, &b, &err);
    if (rc)
        print_error("%s: %s\n", lspec, err.msg);
    assert_int_equal(rc, 0);
    return b;
}

/* min_batch 64, timeout 10 ms: 63 pending ops all complete on destroy, which
 * returns within the timeout plus 100 ms. */
static void test_timeout_shutdown(void **state)
{
    (void)state;
    for (int q = 0; bb_queues[q]; q++) {
        bb_watchdog(30, "timeout shutdown, queue %s", bb_queues[q]->name);
        void *ds = echo_create(NULL);
        bb_batcher *b = make(ds, bb_queues[q], "timeout:min_batch=64:timeout_us=10000",
                             &bb_launch_timeout, 1, 64);
        bb_op *ops = aligned_alloc(64, 63 * sizeof(bb_op));
        for (int i = 0; i < 63; i++) {
            bb_op_init(&ops[i], 0, i, 0);
            bb_submit(b, &ops[i], 0);
        }
        int done_before = 0;
        for (int i = 0; i < 63; i++)
            done_before += bb_op_done(&ops[i]);
        double t0 = now_s(CLOCK_MONOTONIC);
        bb_batcher_destroy(b);
        double dt = now_s(CLOCK_MONOTONIC) - t0;
        bb_watchdog(0, NULL);
        assert_int_equal(done_before, 0); /* below min_batch: nothing flushed yet */
        for (int i = 0; i < 63; i++) {
            assert_true(bb_op_done(&ops[i]));
            assert_int_equal(ops[i].result, i + 1);
        }
        assert_true(dt < 0.010 + 0.100);
        free(ops);
        echo_destroy(ds);
    }
}

static int count_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

typedef struct {
    bb_batcher *b;
    unsigned id;
} one;

static void *one_op(void *arg)
{
    one *o = arg;
    bb_op op;
    bb_op_init(&op, 0, o->id, 0);
    bb_exec(o->b, &op, o->id);
    return NULL;
}

/* 100 create/destroy cycles of every launch, each with a few ops from two
 * threads, leave no thread behind. */
static void test_no_thread_left(void **state)
{
    (void)state;
    int before = count_threads();
    for (int l = 0; bb_launches[l]; l++) {
        bb_watchdog(60, "create/destroy cycles, launch %s", bb_launches[l]->name);
        for (int cyc = 0; cyc < 100; cyc++) {
            void *ds = echo_create(NULL);
            const char *spec = !strcmp(bb_launches[l]->name, "timeout")
                                   ? "timeout:timeout_us=100:min_batch=2"
                                   : bb_launches[l]->name;
            bb_batcher *b = make(ds, bb_queues[cyc % 2], spec, bb_launches[l], 2, 1);
            one o[2] = {{b, 0}, {b, 1}};
            pthread_t th[2];
            for (int i = 0; i < 2; i++)
                assert_int_equal(pthread_create(&th[i], NULL, one_op, &o[i]), 0);
            for (int i = 0; i < 2; i++)
                pthread_join(th[i], NULL);
            bb_batcher_destroy(b);
            echo_destroy(ds);
        }
        bb_watchdog(0, NULL);
        /* a joined thread's /proc entry can outlive pthread_join by a moment
         * (the kernel reaps it after clearing the tid): allow 1 s to settle */
        int now = count_threads();
        for (int i = 0; i < 100 && now != before; i++) {
            usleep(10000);
            now = count_threads();
        }
        assert_int_equal(now, before);
    }
}

/* A lone op with min_batch 2 waits for its deadline: timeout values 0,
 * 999999, 1000000 and 1500000 us work (timespecs normalised), the op
 * completes after about its timeout, and the wait burns little CPU. */
static void test_timeout_edges(void **state)
{
    (void)state;
    static const unsigned long us[] = {0, 999999, 1000000, 1500000};
    for (int k = 0; k < 4; k++) {
        char spec[96];
        snprintf(spec, sizeof spec, "timeout:min_batch=2:timeout_us=%lu", us[k]);
        bb_watchdog(30, "lone op, %s", spec);
        void *ds = echo_create(NULL);
        bb_batcher *b = make(ds, &bb_queue_stack, spec, &bb_launch_timeout, 1, 1);
        bb_op op;
        bb_op_init(&op, 0, 41, 0);
        double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
        int64_t r = bb_exec(b, &op, 0);
        double dt = now_s(CLOCK_MONOTONIC) - t0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        bb_batcher_stats st;
        bb_batcher_stats_get(b, &st);
        bb_batcher_destroy(b);
        echo_destroy(ds);
        bb_watchdog(0, NULL);
        assert_int_equal(r, 42);
        double want = (double)us[k] / 1e6;
        if (dt < want * 0.95 || dt > want + 2.0 || cpu > 0.2 * dt + 0.05)
            print_error("%s: waited %.6f s, cpu %.6f s\n", spec, dt, cpu);
        assert_true(dt >= want * 0.95);   /* not flushed early: min_batch was not reached */
        assert_true(dt <= want + 2.0);    /* ... and not much later than the deadline */
        assert_true(cpu <= 0.2 * dt + 0.05); /* slept, did not spin */
        if (us[k])
            assert_int_equal(st.launch.flush_deadline, 1);
    }
}

/* min_batch reached by one thread's async submissions triggers a size flush
 * long before the deadline. */
static void test_size_flush(void **state)
{
    (void)state;
    bb_watchdog(30, "size flush");
    void *ds = echo_create(NULL);
    bb_batcher *b = make(ds, &bb_queue_stack, "timeout:min_batch=4:timeout_us=3000000",
                         &bb_launch_timeout, 1, 4);
    bb_op ops[4];
    double t0 = now_s(CLOCK_MONOTONIC);
    for (int i = 0; i < 4; i++) {
        bb_op_init(&ops[i], 0, i, 0);
        bb_submit(b, &ops[i], 0);
    }
    for (int i = 0; i < 4; i++)
        bb_wait(b, &ops[i]);
    double dt = now_s(CLOCK_MONOTONIC) - t0;
    bb_batcher_stats st;
    bb_batcher_stats_get(b, &st);
    bb_batcher_destroy(b);
    echo_destroy(ds);
    bb_watchdog(0, NULL);
    assert_true(dt < 1.0);
    assert_int_equal(st.launch.flush_size, 1);
    assert_int_equal(st.launch.flush_deadline, 0);
    assert_int_equal(st.batches, 1);
    assert_int_equal(st.max_batch, 4);
}

/* The dedicated server runs batches on its own thread, not the client's. */
static pthread_t batch_thread;
static void tid_run(void *d, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)d, (void)ex;
    batch_thread = pthread_self();
    for (size_t i = 0; i < n; i++)
        ops[i]->result = 7;
}
static const bb_ds_vtable tid_vt = {"tid", echo_create, echo_destroy, tid_run, NULL, NULL};

static void test_dedicated_server(void **state)
{
    (void)state;
    bb_watchdog(30, "dedicated server thread");
    void *ds = echo_create(NULL);
    bb_batcher_config cfg = {.ds = &tid_vt, .ds_inst = ds, .queue = &bb_queue_stack,
                             .launch = &bb_launch_dedicated, .wait = BB_WAIT_PARK,
                             .max_threads = 1, .depth = 1, .server_pu = -1};
    bb_batcher *b;
    assert_int_equal(bb_batcher_create(&cfg, &b, NULL), 0);
    for (int i = 0; i < 1000; i++) {
        bb_op op;
        bb_op_init(&op, 0, i, 0);
        assert_int_equal(bb_exec(b, &op, 0), 7);
        assert_false(pthread_equal(batch_thread, pthread_self()));
        if (i % 100 == 0)
            usleep(200); /* let the server go to sleep: it must be woken */
    }
    bb_batcher_destroy(b);
    echo_destroy(ds);
    bb_watchdog(0, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_shutdown),
        cmocka_unit_test(test_size_flush),
        cmocka_unit_test(test_dedicated_server),
        cmocka_unit_test(test_no_thread_left),
        cmocka_unit_test(test_timeout_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

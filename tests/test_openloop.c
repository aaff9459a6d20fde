/* Open-loop load: the achieved rate is within 5% of the asked rate when the
 * structure keeps up (fixed and Poisson arrivals), and a structure that
 * stalls once makes the tail latency show the stall (latency is taken from
 * the intended start: no coordinated omission), while a closed loop hides
 * it. Drives the runner directly with a small test structure. */
#include <stdlib.h>
#include <time.h>

#include "harness/harness.h"
#include "testutil.h"

/* "stall": a batched no-op structure whose 200th batch sleeps 50 ms. */
typedef struct {
    int batches;
} stall_ds;

static void *st_create(const void *p)
{
    (void)p;
    return calloc(1, sizeof(stall_ds));
}
static void st_destroy(void *d)
{
    free(d);
}
static void st_run(void *vd, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)ex;
    stall_ds *d = vd;
    if (++d->batches == 200) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (size_t i = 0; i < n; i++)
        ops[i]->result = 0;
}
static int64_t st_size(void *d)
{
    (void)d;
    return 0;
}
static const bb_ds_vtable stall_vt = {"stall", st_create, st_destroy, st_run, NULL, st_size};
static const bb_variant v_stall = {"batched", "stalls once", 0, &stall_vt, NULL, NULL, NULL, NULL};
static const bb_variant *const variants[] = {&v_stall, NULL};
static const char *const op_names[] = {"noop", NULL};

static void make_op(uint32_t code, bb_rng *rng, bb_op *op)
{
    (void)rng;
    bb_op_init(op, code, 0, 0);
}
static int chk_dummy;
static void *chk_create(const bb_workload_params *p)
{
    (void)p;
    return &chk_dummy;
}
static void chk_op(void *c, unsigned t, unsigned s, const bb_op *op)
{
    (void)c, (void)t, (void)s, (void)op;
}
static int chk_final(void *c, int64_t size, bb_err *err)
{
    (void)c, (void)size, (void)err;
    return 0;
}
static void chk_destroy(void *c)
{
    (void)c;
}
static const bb_workload stall_w = {"stall", "test", variants, op_names, "noop:1", make_op,
                                    chk_create, chk_op, chk_op, chk_final, chk_destroy};

static void config(bb_config *c, const bb_workload *w, const bb_variant *v, double rate,
                   int poisson, double duration)
{
    memset(c, 0, sizeof *c);
    c->w = w;
    c->v = v;
    if (v->ds) {
        c->q = &bb_queue_stack;
        c->l = &bb_launch_cas;
        strcpy(c->queue_text, "stack");
        strcpy(c->launch_text, "cas");
    } else {
        strcpy(c->queue_text, "-");
        strcpy(c->launch_text, "-");
    }
    c->threads = 1;
    c->depth = 1;
    snprintf(c->mix_text, sizeof c->mix_text, "%s", w->default_mix);
    assert_int_equal(bb_mix_parse(c->mix_text, w->op_names, &c->mix, NULL), 0);
    strcpy(c->pin_text, "none");
    assert_int_equal(bb_pin_parse("none", &c->pin, NULL), 0);
    c->seed = 1;
    c->duration = duration;
    c->warmup = 0.05;
    c->rate = rate;
    c->poisson = poisson;
}

static void test_rate_kept(void **state)
{
    (void)state;
    bb_topo *topo;
    assert_int_equal(bb_topo_load(&topo, NULL), 0);
    const bb_workload *w = bb_workload_find("counter");
    const bb_variant *v = bb_variant_find(w, "atomic");
    for (int poisson = 0; poisson < 2; poisson++) {
        bb_watchdog(30, "open loop rate, poisson=%d", poisson);
        bb_config c;
        config(&c, w, v, 20000, poisson, 1.0);
        bb_result r;
        bb_err err;
        int rc = bb_run_config(&c, 0, topo, &r, &err);
        if (rc)
            print_error("%s\n", err.msg);
        assert_int_equal(rc, 0);
        double achieved = r.mops * 1e6;
        if (achieved < 0.95 * 20000 || achieved > 1.05 * 20000)
            print_error("poisson=%d: achieved %.0f ops/s for 20000 asked\n", poisson, achieved);
        assert_true(achieved >= 0.95 * 20000 && achieved <= 1.05 * 20000);
        assert_true(r.backlog < 1000);
        bb_result_free(&r);
        bb_watchdog(0, NULL);
    }
    bb_topo_destroy(topo);
}

static void test_stall_in_tail(void **state)
{
    (void)state;
    bb_topo *topo;
    assert_int_equal(bb_topo_load(&topo, NULL), 0);
    bb_watchdog(30, "stall shows in the open-loop tail");
    bb_config c;
    bb_result open, closed;
    bb_err err;
    /* open loop at 10k ops/s for 1 s: the 50 ms stall delays ~500 ops (5%) */
    config(&c, &stall_w, &v_stall, 10000, 0, 1.0);
    assert_int_equal(bb_run_config(&c, 0, topo, &open, &err), 0);
    /* closed loop, same structure: the stall delays one op */
    config(&c, &stall_w, &v_stall, 0, 0, 1.0);
    assert_int_equal(bb_run_config(&c, 0, topo, &closed, &err), 0);
    bb_watchdog(0, NULL);
    if (open.lat_p99 < 10000000)
        print_error("open-loop p99 %llu ns, max %llu ns\n", (unsigned long long)open.lat_p99,
                    (unsigned long long)open.lat_max);
    assert_true(open.lat_max >= 40000000);  /* the stall itself */
    assert_true(open.lat_p99 >= 10000000);  /* ... and the ops queued behind it */
    assert_true(closed.lat_p99 < open.lat_p99);
    bb_result_free(&open);
    bb_result_free(&closed);
    bb_topo_destroy(topo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_kept),
        cmocka_unit_test(test_stall_in_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

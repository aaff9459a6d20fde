#include "counter.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static int64_t amount(const bb_op *op)
{
    return op->code == BB_COUNTER_INCR ? 1 : op->code == BB_COUNTER_ADD ? op->arg : 0;
}

/* ---- batched ---- */

typedef struct {
    int64_t value;
} counter_ds;

static void *cds_create(const void *params)
{
    (void)params;
    return calloc(1, sizeof(counter_ds));
}

static void cds_destroy(void *ds)
{
    free(ds);
}

typedef struct {
    bb_op **ops;
    int64_t before;
} cds_ctx;

static int64_t cds_chunk(void *vctx, size_t lo, size_t hi)
{
    cds_ctx *c = vctx;
    int64_t sum = 0;
    for (size_t i = lo; i < hi; i++) {
        bb_op *op = c->ops[i];
        op->result = op->code == BB_COUNTER_GET ? c->before : 0;
        sum += amount(op);
    }
    return sum;
}

static void cds_run_batch(void *vds, bb_op **ops, size_t n, bb_executor *exec)
{
    counter_ds *ds = vds;
    cds_ctx c = {ops, ds->value};
    ds->value += bb_par_reduce(exec, n, 1024, cds_chunk, &c);
}

static int64_t cds_size(void *ds)
{
    return ((counter_ds *)ds)->value;
}

const bb_ds_vtable bb_counter_ds = {"counter", cds_create, cds_destroy, cds_run_batch, NULL,
                                    cds_size};

static const bb_variant v_batched = {
    "batched", "implicit batching: gets see the pre-batch value, increments are summed",
    0, &bb_counter_ds, NULL, NULL, NULL, NULL};

/* ---- direct variants ---- */

typedef struct {
    _Alignas(64) _Atomic int64_t value;
    pthread_mutex_t mu;
    int64_t plain;
} direct_counter;

static void *dc_create(const bb_workload_params *p)
{
    (void)p;
    direct_counter *c = aligned_alloc(64, sizeof *c);
    if (c) {
        memset(c, 0, sizeof *c);
        pthread_mutex_init(&c->mu, NULL);
    }
    return c;
}

static void dc_destroy(void *c)
{
    pthread_mutex_destroy(&((direct_counter *)c)->mu);
    free(c);
}

static void atomic_apply(void *vc, bb_op *op)
{
    direct_counter *c = vc;
    if (op->code == BB_COUNTER_GET)
        op->result = atomic_load_explicit(&c->value, memory_order_acquire);
    else {
        atomic_fetch_add_explicit(&c->value, amount(op), memory_order_acq_rel);
        op->result = 0;
    }
}

static int64_t atomic_size(void *c)
{
    return atomic_load(&((direct_counter *)c)->value);
}

static void plain_apply(direct_counter *c, bb_op *op)
{
    if (op->code == BB_COUNTER_GET)
        op->result = c->plain;
    else {
        c->plain += amount(op);
        op->result = 0;
    }
}

static void mutex_apply(void *vc, bb_op *op)
{
    direct_counter *c = vc;
    pthread_mutex_lock(&c->mu);
    plain_apply(c, op);
    pthread_mutex_unlock(&c->mu);
}

static void seq_apply(void *vc, bb_op *op)
{
    plain_apply(vc, op);
}

static int64_t plain_size(void *c)
{
    return ((direct_counter *)c)->plain;
}

static const bb_variant v_atomic = {"atomic", "hardware fetch-add (the reference)", 0, NULL,
                                    dc_create, dc_destroy, atomic_apply, atomic_size};
static const bb_variant v_mutex = {"mutex", "pthread mutex around a plain counter", 0, NULL,
                                   dc_create, dc_destroy, mutex_apply, plain_size};
static const bb_variant v_seq = {"seq", "no synchronisation (1 thread only)", 1, NULL,
                                 dc_create, dc_destroy, seq_apply, plain_size};

static const bb_variant *const variants[] = {&v_batched, &v_atomic, &v_mutex, &v_seq, NULL};
static const char *const op_names[] = {"get", "incr", "add", NULL};

static void make_op(uint32_t code, bb_rng *rng, bb_op *op)
{
    bb_op_init(op, code, 0, code == BB_COUNTER_ADD ? 1 + (int64_t)bb_rng_below(rng, 8) : 0);
}

/* ---- checker ---- */

typedef struct {
    _Alignas(64) int64_t added_done; /* increments of this thread already completed */
    int64_t added_total;             /* increments of this thread submitted */
    int64_t max_get;
    uint64_t bad;
    int64_t bad_value, bad_bound;
    int64_t *lb; /* per slot: lower bound for a get in flight */
} counter_chk_thread;

typedef struct {
    unsigned threads, depth;
    counter_chk_thread *t;
} counter_chk;

static void *chk_create(const bb_workload_params *p)
{
    counter_chk *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->threads = p->threads;
    c->depth = p->depth;
    c->t = aligned_alloc(64, p->threads * sizeof *c->t);
    if (!c->t) {
        free(c);
        return NULL;
    }
    memset(c->t, 0, p->threads * sizeof *c->t);
    for (unsigned i = 0; i < p->threads; i++) {
        c->t[i].lb = calloc(p->depth, sizeof(int64_t));
        if (!c->t[i].lb) {
            while (i--)
                free(c->t[i].lb);
            free(c->t);
            free(c);
            return NULL;
        }
    }
    return c;
}

static void chk_destroy(void *vc)
{
    counter_chk *c = vc;
    for (unsigned i = 0; i < c->threads; i++)
        free(c->t[i].lb);
    free(c->t);
    free(c);
}

static void chk_submit(void *vc, unsigned thread, unsigned slot, const bb_op *op)
{
    counter_chk_thread *t = &((counter_chk *)vc)->t[thread];
    if (op->code == BB_COUNTER_GET)
        t->lb[slot] = t->added_done;
    else
        t->added_total += amount(op);
}

static void chk_complete(void *vc, unsigned thread, unsigned slot, const bb_op *op)
{
    counter_chk_thread *t = &((counter_chk *)vc)->t[thread];
    if (op->code != BB_COUNTER_GET) {
        t->added_done += amount(op);
        return;
    }
    if (op->result < t->lb[slot]) {
        if (!t->bad++)
            t->bad_value = op->result, t->bad_bound = t->lb[slot];
    }
    if (op->result > t->max_get)
        t->max_get = op->result;
}

static int chk_final(void *vc, int64_t size, bb_err *err)
{
    counter_chk *c = vc;
    int64_t total = 0;
    for (unsigned i = 0; i < c->threads; i++)
        total += c->t[i].added_total;
    for (unsigned i = 0; i < c->threads; i++) {
        counter_chk_thread *t = &c->t[i];
        if (t->bad)
            return bb_fail(err, BB_ECHECK,
                           "counter check failed: thread %u: %llu gets below the thread's own "
                           "completed increments (first: got %lld, expected >= %lld)",
                           i, (unsigned long long)t->bad, (long long)t->bad_value,
                           (long long)t->bad_bound);
        if (t->max_get > total)
            return bb_fail(err, BB_ECHECK,
                           "counter check failed: thread %u read %lld, above the final total %lld",
                           i, (long long)t->max_get, (long long)total);
    }
    if (size != total)
        return bb_fail(err, BB_ECHECK,
                       "counter check failed: final value %lld != sum of increments %lld",
                       (long long)size, (long long)total);
    return BB_OK;
}

const bb_workload bb_counter_workload = {
    "counter", "shared counter: get, incr, add(k)", variants, op_names, "get:10,incr:90",
    make_op, chk_create, chk_submit, chk_complete, chk_final, chk_destroy,
};

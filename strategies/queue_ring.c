/* queue "ring": a bounded multi-producer ring with per-cell sequence numbers
 * (Vyukov's bounded MPMC queue, used here with one consumer). Option
 * capacity (rounded up to a power of two, default 1024). A full ring applies
 * backpressure: push returns -1 and the batcher lets the launch strategy make
 * room before retrying; no op is ever dropped. Producers are FIFO in the
 * order their tickets were taken, so each producer's ops stay in order. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct {
    _Atomic uint64_t seq;
    bb_op *op;
} cell;

typedef struct {
    uint64_t mask;
    cell *cells;
    _Alignas(64) _Atomic uint64_t tail; /* producers' ticket */
    _Alignas(64) _Atomic uint64_t head; /* consumer's position (atomic: read by empty()) */
} ring_queue;

static const char *const opts[] = {"capacity", NULL};

static int rq_create(const bb_spec *spec, const bb_queue_params *p, void **out, bb_err *err)
{
    (void)p;
    uint64_t cap;
    int rc = bb_spec_u64(spec, "capacity", 1024, 2, 1u << 26, &cap, err);
    if (rc)
        return rc;
    uint64_t n = 2;
    while (n < cap)
        n <<= 1;
    ring_queue *q = aligned_alloc(64, sizeof *q);
    cell *c = aligned_alloc(64, n * sizeof *c);
    if (!q || !c) {
        free(q);
        free(c);
        return bb_fail(err, BB_ENOMEM, "queue ring: out of memory");
    }
    memset(q, 0, sizeof *q);
    for (uint64_t i = 0; i < n; i++) {
        atomic_init(&c[i].seq, i);
        c[i].op = NULL;
    }
    q->mask = n - 1;
    q->cells = c;
    *out = q;
    return BB_OK;
}

static void rq_destroy(void *vq)
{
    ring_queue *q = vq;
    free(q->cells);
    free(q);
}

static int rq_push(void *vq, bb_op *op)
{
    ring_queue *q = vq;
    uint64_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    for (;;) {
        cell *c = &q->cells[pos & q->mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        int64_t dif = (int64_t)(seq - pos);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed)) {
                c->op = op;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_seq_cst);
                return 0;
            }
        } else if (dif < 0) {
            return -1; /* full */
        } else {
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }
}

static size_t rq_take(void *vq, bb_op **out, size_t max)
{
    ring_queue *q = vq;
    uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
    size_t n = 0;
    while (n < max) {
        cell *c = &q->cells[h & q->mask];
        if (atomic_load_explicit(&c->seq, memory_order_acquire) != h + 1)
            break; /* empty, or the producer holding this ticket has not written yet */
        out[n++] = c->op;
        atomic_store_explicit(&c->seq, h + q->mask + 1, memory_order_release);
        h++;
    }
    atomic_store_explicit(&q->head, h, memory_order_seq_cst);
    return n;
}

static int rq_empty(void *vq)
{
    ring_queue *q = vq;
    uint64_t h = atomic_load_explicit(&q->head, memory_order_seq_cst);
    return atomic_load_explicit(&q->cells[h & q->mask].seq, memory_order_seq_cst) != h + 1;
}

const bb_queue_vtable bb_queue_ring = {
    "ring", "bounded multi-producer ring with per-cell sequence numbers; full = backpressure "
            "(option: capacity)",
    opts, rq_create, rq_destroy, rq_push, rq_take, rq_empty,
};

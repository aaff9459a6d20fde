/* queue "slots": per-thread publication slots, in the style of flat combining.
 * Each thread owns `depth` slots on its own cache line(s), used as a single-
 * producer single-consumer ring: the thread publishes an op in slot
 * tail % depth (its private tail), the batch thread takes slots in order from
 * its private head and clears them. No shared write on push beyond the
 * thread's own line; take scans the threads round-robin from where the last
 * take stopped (fairness). Per-thread FIFO by construction.
 * A thread has at most `depth` ops in flight, so its next slot is free
 * whenever it submits; push returns -1 (full) otherwise. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct {
    _Alignas(64) uint64_t tail;    /* producer-private */
    _Atomic(bb_op *) *slot;        /* depth entries, on their own lines */
    _Alignas(64) _Atomic uint64_t head; /* consumer-private (atomic: read by empty()) */
} thread_slots;

typedef struct {
    unsigned threads, depth;
    unsigned next;                 /* consumer-private: where the next take starts */
    thread_slots *t;
    _Atomic(bb_op *) *slots;       /* threads x depth, padded per thread */
    size_t stride;                 /* slots per thread incl. padding */
} slots_queue;

static const char *const opts[] = {NULL};

static int sl_create(const bb_spec *spec, const bb_queue_params *p, void **out, bb_err *err)
{
    (void)spec;
    slots_queue *q = calloc(1, sizeof *q);
    if (!q)
        return bb_fail(err, BB_ENOMEM, "queue slots: out of memory");
    q->threads = p->max_threads;
    q->depth = p->depth ? p->depth : 1;
    q->stride = (q->depth + 7) / 8 * 8; /* 8 pointers per 64-byte line */
    q->t = aligned_alloc(64, q->threads * sizeof *q->t);
    q->slots = aligned_alloc(64, q->threads * q->stride * sizeof *q->slots);
    if (!q->t || !q->slots) {
        free(q->t);
        free(q->slots);
        free(q);
        return bb_fail(err, BB_ENOMEM, "queue slots: out of memory");
    }
    memset(q->t, 0, q->threads * sizeof *q->t);
    memset(q->slots, 0, q->threads * q->stride * sizeof *q->slots);
    for (unsigned i = 0; i < q->threads; i++)
        q->t[i].slot = q->slots + i * q->stride;
    *out = q;
    return BB_OK;
}

static void sl_destroy(void *vq)
{
    slots_queue *q = vq;
    free(q->t);
    free(q->slots);
    free(q);
}

static int sl_push(void *vq, bb_op *op)
{
    slots_queue *q = vq;
    thread_slots *t = &q->t[op->thread];
    _Atomic(bb_op *) *s = &t->slot[t->tail % q->depth];
    if (atomic_load_explicit(s, memory_order_acquire))
        return -1; /* more than depth ops in flight: wait for the consumer */
    atomic_store_explicit(s, op, memory_order_seq_cst);
    t->tail++;
    return 0;
}

static size_t sl_take(void *vq, bb_op **out, size_t max)
{
    slots_queue *q = vq;
    size_t n = 0;
    for (unsigned k = 0; k < q->threads && n < max; k++) {
        unsigned i = (q->next + k) % q->threads;
        thread_slots *t = &q->t[i];
        uint64_t h = atomic_load_explicit(&t->head, memory_order_relaxed);
        while (n < max) {
            _Atomic(bb_op *) *s = &t->slot[h % q->depth];
            bb_op *op = atomic_load_explicit(s, memory_order_acquire);
            if (!op)
                break;
            out[n++] = op;
            atomic_store_explicit(s, NULL, memory_order_release);
            h++;
        }
        atomic_store_explicit(&t->head, h, memory_order_seq_cst);
        if (n == max)
            q->next = i; /* this thread may have more: start here next time */
    }
    if (n < max)
        q->next = (q->next + 1) % q->threads;
    return n;
}

static int sl_empty(void *vq)
{
    slots_queue *q = vq;
    for (unsigned i = 0; i < q->threads; i++) {
        thread_slots *t = &q->t[i];
        uint64_t h = atomic_load_explicit(&t->head, memory_order_seq_cst);
        if (atomic_load_explicit(&t->slot[h % q->depth], memory_order_seq_cst))
            return 0;
    }
    return 1;
}

const bb_queue_vtable bb_queue_slots = {
    "slots", "per-thread publication slots (flat combining), depth per thread, scanned on take",
    opts, sl_create, sl_destroy, sl_push, sl_take, sl_empty,
};

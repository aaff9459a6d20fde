/* queue "stack": a lock-free (Treiber) stack, as OBatcher's container.
 * push is one CAS loop on the head. take exchanges the whole stack out at
 * once, reverses it into a consumer-private FIFO list (so each producer's ops
 * come out in push order) and hands out up to max ops; the remainder stays in
 * that list, ahead of anything pushed later. Only the consumer touches the
 * private list; `pending` counts it for empty(). No ABA: nodes are only ever
 * removed by exchanging the whole stack. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct {
    _Alignas(64) _Atomic(bb_op *) head;
    _Alignas(64) bb_op *fifo; /* consumer-private, oldest first */
    bb_op *fifo_tail;
    _Atomic size_t pending;   /* length of fifo */
} stack_queue;

static const char *const opts[] = {NULL};

static int sq_create(const bb_spec *spec, const bb_queue_params *p, void **out, bb_err *err)
{
    (void)spec;
    (void)p;
    stack_queue *q = aligned_alloc(64, sizeof *q);
    if (!q)
        return bb_fail(err, BB_ENOMEM, "queue stack: out of memory");
    memset(q, 0, sizeof *q);
    *out = q;
    return BB_OK;
}

static void sq_destroy(void *q)
{
    free(q);
}

static int sq_push(void *vq, bb_op *op)
{
    stack_queue *q = vq;
    bb_op *h = atomic_load_explicit(&q->head, memory_order_relaxed);
    do
        op->next = h;
    while (!atomic_compare_exchange_weak_explicit(&q->head, &h, op, memory_order_seq_cst,
                                                  memory_order_relaxed));
    return 0;
}

static size_t sq_take(void *vq, bb_op **out, size_t max)
{
    stack_queue *q = vq;
    size_t pending = atomic_load_explicit(&q->pending, memory_order_relaxed);
    if (pending < max && atomic_load_explicit(&q->head, memory_order_relaxed)) {
        /* guard: while the snapshot is in transit (head already NULL, not yet
         * counted) empty() must not report an empty queue */
        atomic_store_explicit(&q->pending, pending + 1, memory_order_seq_cst);
        bb_op *s = atomic_exchange_explicit(&q->head, NULL, memory_order_seq_cst);
        /* Reverse the snapshot (newest first) and append it to the fifo. */
        bb_op *rev = NULL, *last = s;
        size_t k = 0;
        while (s) {
            bb_op *nx = s->next;
            s->next = rev;
            rev = s;
            s = nx;
            k++;
        }
        if (rev) {
            if (q->fifo)
                q->fifo_tail->next = rev;
            else
                q->fifo = rev;
            q->fifo_tail = last;
        }
        pending += k;
    }
    size_t n = 0;
    while (n < max && q->fifo) {
        out[n++] = q->fifo;
        q->fifo = q->fifo->next;
    }
    atomic_store_explicit(&q->pending, pending - n, memory_order_seq_cst);
    return n;
}

static int sq_empty(void *vq)
{
    stack_queue *q = vq;
    return atomic_load_explicit(&q->head, memory_order_seq_cst) == NULL &&
           atomic_load_explicit(&q->pending, memory_order_seq_cst) == 0;
}

const bb_queue_vtable bb_queue_stack = {
    "stack", "lock-free Treiber stack, taken whole and reversed (OBatcher's container)", opts,
    sq_create, sq_destroy, sq_push, sq_take, sq_empty,
};

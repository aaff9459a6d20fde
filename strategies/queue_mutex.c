/* queue "mutex": a pthread mutex around a growable ring of op pointers.
 * The baseline: FIFO overall (so per-producer order holds), amortised O(1)
 * push; the ring doubles when full and never shrinks, so steady state does
 * not allocate. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

typedef struct {
    pthread_mutex_t mu;
    bb_op **ring;
    size_t cap, head, len; /* len mirrors count for the lock-free empty() */
    _Alignas(64) _Atomic size_t count;
} mutex_queue;

static const char *const opts[] = {NULL};

static int mq_create(const bb_spec *spec, const bb_queue_params *p, void **out, bb_err *err)
{
    (void)spec;
    mutex_queue *q = aligned_alloc(64, sizeof *q);
    if (!q)
        return bb_fail(err, BB_ENOMEM, "queue mutex: out of memory");
    memset(q, 0, sizeof *q);
    q->cap = 64;
    while (q->cap < (size_t)p->max_threads * p->depth)
        q->cap *= 2;
    q->ring = malloc(q->cap * sizeof *q->ring);
    if (!q->ring) {
        free(q);
        return bb_fail(err, BB_ENOMEM, "queue mutex: out of memory");
    }
    pthread_mutex_init(&q->mu, NULL);
    *out = q;
    return BB_OK;
}

static void mq_destroy(void *vq)
{
    mutex_queue *q = vq;
    pthread_mutex_destroy(&q->mu);
    free(q->ring);
    free(q);
}

static int grow(mutex_queue *q)
{
    size_t ncap = q->cap * 2;
    bb_op **nr = malloc(ncap * sizeof *nr);
    if (!nr)
        return -1;
    for (size_t i = 0; i < q->len; i++)
        nr[i] = q->ring[(q->head + i) % q->cap];
    free(q->ring);
    q->ring = nr;
    q->cap = ncap;
    q->head = 0;
    return 0;
}

static int mq_push(void *vq, bb_op *op)
{
    mutex_queue *q = vq;
    pthread_mutex_lock(&q->mu);
    if (q->len == q->cap && grow(q) != 0) {
        /* out of memory: report "full"; the batcher makes room and retries */
        pthread_mutex_unlock(&q->mu);
        return -1;
    }
    q->ring[(q->head + q->len) % q->cap] = op;
    q->len++;
    atomic_fetch_add_explicit(&q->count, 1, memory_order_seq_cst);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

static size_t mq_take(void *vq, bb_op **out, size_t max)
{
    mutex_queue *q = vq;
    if (atomic_load_explicit(&q->count, memory_order_acquire) == 0)
        return 0;
    pthread_mutex_lock(&q->mu);
    size_t n = q->len < max ? q->len : max;
    for (size_t i = 0; i < n; i++)
        out[i] = q->ring[(q->head + i) % q->cap];
    q->head = (q->head + n) % q->cap;
    q->len -= n;
    atomic_fetch_sub_explicit(&q->count, n, memory_order_seq_cst);
    pthread_mutex_unlock(&q->mu);
    return n;
}

static int mq_empty(void *vq)
{
    mutex_queue *q = vq;
    return atomic_load_explicit(&q->count, memory_order_seq_cst) == 0;
}

const bb_queue_vtable bb_queue_mutex = {
    "mutex", "pthread mutex + growable ring (baseline), FIFO", opts,
    mq_create, mq_destroy, mq_push, mq_take, mq_empty,
};

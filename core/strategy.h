/* strategy.h - the two strategy interfaces the batcher is built from.
 *
 * Queue strategy: collects submitted ops until a batch takes them.
 *  - push(q, op) may be called by any number of threads concurrently; it never
 *    drops an op (a bounded queue makes the producer wait).
 *  - take(q, out, max) is called by one thread at a time (the batch runner):
 *    it moves up to max ops into out[] and returns how many. Every pushed op
 *    is taken exactly once; ops of one producer come out in push order.
 *  - empty(q) may be called by anyone; it is a sequentially consistent read,
 *    so a push that happened before it is seen (launchers depend on this to
 *    never strand an op).
 *
 * Launch strategy: decides who runs batches and when.
 *  - submitted(l, op) is called by bb_submit() right after the push;
 *  - wait(l, op) returns once op is DONE (it may run batches meanwhile);
 *  - drain(l) returns once the queue is empty and no batch runs;
 *  - destroy(l) is called after drain(); it stops any thread it started.
 * A launch runs batches only through bb_batcher_run_batch(), which enforces
 * batch_limit and completes the ops.
 */
#ifndef BB_STRATEGY_H
#define BB_STRATEGY_H

#include <stddef.h>

#include "bb_err.h"
#include "kv.h"
#include "op.h"

struct bb_batcher;

typedef struct bb_queue_params {
    unsigned max_threads; /* threads that may push (their op->thread < max_threads) */
    unsigned depth;       /* ops in flight per thread, at most */
} bb_queue_params;

typedef struct bb_queue_vtable {
    const char *name;
    const char *help;
    const char *const *options; /* accepted keys, NULL-terminated */
    int (*create)(const bb_spec *spec, const bb_queue_params *p, void **out, bb_err *err);
    void (*destroy)(void *q);
    void (*push)(void *q, bb_op *op);
    size_t (*take)(void *q, bb_op **out, size_t max);
    int (*empty)(void *q);
} bb_queue_vtable;

typedef struct bb_launch_vtable {
    const char *name;
    const char *help;
    const char *const *options; /* accepted keys (batch_limit included), NULL-terminated */
    int (*create)(struct bb_batcher *b, const bb_spec *spec, void **out, bb_err *err);
    void (*destroy)(void *l);
    void (*submitted)(void *l, bb_op *op);
    void (*wait)(void *l, bb_op *op);
    void (*drain)(void *l);
} bb_launch_vtable;

#endif

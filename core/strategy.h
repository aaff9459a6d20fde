/* strategy.h - the two strategy interfaces the batcher is built from.
 *
 * Queue strategy: collects submitted ops until a batch takes them.
 *  - push(q, op) may be called by any number of threads concurrently. It
 *    returns 0, or -1 when a bounded queue is full: the op was not queued and
 *    the batcher retries after letting the launch strategy make room (so an
 *    op is never dropped, and a full queue cannot deadlock its producers).
 *  - take(q, out, max) is called by one thread at a time (the batch runner):
 *    it moves up to max ops into out[] and returns how many. Every pushed op
 *    is taken exactly once; ops of one producer come out in push order.
 *  - empty(q) may be called by anyone; it is a sequentially consistent read,
 *    so a push that happened before it is seen (launchers depend on this to
 *    never strand an op).
 *
 * Launch strategy: decides who runs batches and when.
 *  - prepare(l, op) (optional) is called by bb_submit() before the push;
 *  - submitted(l, op) is called by bb_submit() right after the push;
 *  - full(l) is called by a producer whose push found the queue full: it
 *    should run or trigger a batch, or give the CPU away;
 *  - wait(l, op) returns once op is DONE (it may run batches meanwhile);
 *  - drain(l) returns once the queue is empty and no batch runs;
 *  - destroy(l) is called after drain(); it stops any thread it started.
 * A launch runs batches only through bb_batcher_run_batch(), which enforces
 * batch_limit and completes the ops.
 */
#ifndef BB_STRATEGY_H
#define BB_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

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
    int (*push)(void *q, bb_op *op);
    size_t (*take)(void *q, bb_op **out, size_t max);
    int (*empty)(void *q);
} bb_queue_vtable;

/* Counters a launch strategy may keep (all optional, zero otherwise). */
typedef struct bb_launch_stats {
    uint64_t flush_size;     /* timeout: flushes triggered by min_batch */
    uint64_t flush_deadline; /* timeout: flushes triggered by an op's deadline */
    int server_pu;           /* dedicated: the PU its server runs on (-1: unbound/none) */
    int server_shares_pu;    /* dedicated: 1 when that PU is also a client's */
} bb_launch_stats;

typedef struct bb_launch_vtable {
    const char *name;
    const char *help;
    const char *const *options; /* accepted keys (batch_limit included), NULL-terminated */
    int (*create)(struct bb_batcher *b, const bb_spec *spec, void **out, bb_err *err);
    void (*destroy)(void *l);
    void (*prepare)(void *l, bb_op *op); /* optional */
    void (*submitted)(void *l, bb_op *op);
    void (*full)(void *l);
    void (*wait)(void *l, bb_op *op);
    void (*drain)(void *l);
    void (*stats)(void *l, bb_launch_stats *out); /* optional */
} bb_launch_vtable;

#endif

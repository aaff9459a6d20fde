/* batcher.h - the implicit-batching front.
 *
 * A bb_batcher joins a batched structure (ds.h) with a queue strategy and a
 * launch strategy (strategy.h). Threads call bb_exec() (synchronous) or
 * bb_submit() + bb_wait() (asynchronous: several ops may be in flight per
 * thread); ops are collected and handed to the structure's run_batch() one
 * batch at a time.
 *
 * Guarantees:
 *  - every submitted op is completed exactly once (stats count any violation);
 *  - at most one batch runs at a time (counted in stats; debug builds assert);
 *  - a batch holds at most batch_limit ops (launch option, 0 = unlimited); the
 *    rest stay queued in order;
 *  - ops of one thread reach run_batch in the order that thread submitted them;
 *  - bb_drain() returns once the queue is empty and no batch runs;
 *  - bb_batcher_destroy() completes every queued op before returning. When it
 *    is called no thread may be inside bb_submit/bb_wait/bb_exec any more
 *    (join the client threads first: a client whose op is DONE may still be
 *    finishing its launch bookkeeping).
 * An op must not be resubmitted before it is DONE. `thread` must be below
 * max_threads from the config. The structure instance is not owned.
 */
#ifndef BB_BATCHER_H
#define BB_BATCHER_H

#include <stdint.h>

#include "bb_err.h"
#include "ds.h"
#include "executor.h"
#include "op.h"
#include "strategy.h"
#include "wait.h"

typedef struct bb_batcher bb_batcher;

typedef struct bb_batcher_config {
    const bb_ds_vtable *ds;
    void *ds_inst;
    const bb_queue_vtable *queue;
    const char *queue_spec;  /* "name[:k=v...]"; NULL = the queue's name only */
    const bb_launch_vtable *launch;
    const char *launch_spec; /* "name[:k=v...]", e.g. "cas:batch_limit=64" */
    bb_wait_policy wait;
    bb_executor *exec;       /* NULL = serial */
    unsigned max_threads;    /* >= 1 */
    unsigned depth;          /* ops in flight per thread (>= 1) */
    /* Where a launch strategy's own thread (e.g. dedicated's server) runs:
     * bound to server_pu through topo when both are set (server_pu >= 0). */
    const struct bb_topo *topo;
    int server_pu;
    int server_shares_pu;    /* recorded in the stats: server_pu is also a client's */
} bb_batcher_config;

#define BB_BATCH_BUCKETS 33 /* batch sizes by log2: bucket k holds sizes in [2^k, 2^(k+1)) */

typedef struct bb_batcher_stats {
    uint64_t batches;
    uint64_t ops;
    uint64_t max_batch;
    uint64_t size_hist[BB_BATCH_BUCKETS];
    /* Time split, summed over ops (bb_fast_ns): from op->submit_ns to the take
     * of its batch (only ops with submit_ns != 0), and the run time of the
     * batch each op was in (take to completion of the whole batch). */
    uint64_t queue_wait_ns, queue_wait_ops;
    uint64_t batch_run_ns;
    uint64_t overlaps;            /* batches that started while another ran: must be 0 */
    uint64_t double_completions;  /* ops completed twice or never submitted: must be 0 */
    bb_launch_stats launch;       /* the launch strategy's own counters */
} bb_batcher_stats;

int bb_batcher_create(const bb_batcher_config *cfg, bb_batcher **out, bb_err *err);
void bb_batcher_destroy(bb_batcher *b);

void bb_submit(bb_batcher *b, bb_op *op, unsigned thread);
void bb_wait(bb_batcher *b, bb_op *op);
int64_t bb_exec(bb_batcher *b, bb_op *op, unsigned thread);
void bb_drain(bb_batcher *b);

void bb_batcher_stats_get(const bb_batcher *b, bb_batcher_stats *out);
/* Resets max_batch (used at the start of a measured window). */
void bb_batcher_stats_reset_max(bb_batcher *b);
uint64_t bb_batcher_batch_limit(const bb_batcher *b);

/* For launch strategies. */
/* Takes up to batch_limit ops, runs them, completes them; returns how many
 * (0 if the queue was empty). Callers must make sure only one thread at a time
 * calls it (that is the launch strategy's job). */
size_t bb_batcher_run_batch(bb_batcher *b);
int bb_batcher_queue_empty(bb_batcher *b);
bb_wait_policy bb_batcher_wait_policy(const bb_batcher *b);
/* For launches that start a thread: binds the calling thread as configured
 * (server_pu through topo; no-op when unset). */
void bb_batcher_bind_server(const bb_batcher *b);
void bb_batcher_server_pu(const bb_batcher *b, int *pu, int *shares);

#endif

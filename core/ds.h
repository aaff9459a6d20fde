/* ds.h - the batched structure interface.
 *
 * A batched structure is a vtable plus an instance pointer. The batcher
 * guarantees that at most one run_batch() runs at a time on an instance, so
 * the structure needs no internal locking; it may use the executor for
 * internal parallelism.
 *
 * run_batch(ds, ops, n, exec) must write the result of each of the n ops
 * (ops[i]->result) and return; the batcher then completes every op exactly
 * once. run_batch must not complete, keep or free the ops. Ops of one
 * submitting thread appear in ops[] in the order that thread submitted them.
 *
 * check() (optional) verifies internal invariants, returns 0 if they hold and
 * writes a reason into err otherwise. size() (optional) returns the number of
 * elements (for the counter: its value). Neither may run concurrently with
 * run_batch (call them after bb_drain()).
 */
#ifndef BB_DS_H
#define BB_DS_H

#include <stddef.h>
#include <stdint.h>

#include "bb_err.h"
#include "executor.h"
#include "op.h"

typedef struct bb_ds_vtable {
    const char *name;
    void *(*create)(const void *params);
    void (*destroy)(void *ds);
    void (*run_batch)(void *ds, bb_op **ops, size_t n, bb_executor *exec);
    int (*check)(void *ds, bb_err *err); /* optional */
    int64_t (*size)(void *ds);           /* optional */
} bb_ds_vtable;

#endif

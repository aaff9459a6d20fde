/* counter.h - the shared counter (OBatcher's first example).
 *
 * Ops: get (result = the value), incr (+1), add (+arg; the generator draws arg
 * in 1..8 so the counter only grows). incr/add results are 0.
 * Variants:
 *   batched  run_batch answers every get with the value before the batch and
 *            adds up the batch's increments with par_reduce
 *   atomic   hardware fetch-add (the reference)
 *   mutex    pthread mutex around a plain counter
 *   seq      no synchronisation at all; one thread only
 * Check: the final value equals the sum of all increments applied; every get
 * returned a value that existed: at least what the thread itself had added
 * before submitting it, at most the final value.
 */
#ifndef BB_COUNTER_H
#define BB_COUNTER_H

#include "workloads/workload.h"

enum { BB_COUNTER_GET = 0, BB_COUNTER_INCR = 1, BB_COUNTER_ADD = 2 };

extern const bb_workload bb_counter_workload;
extern const bb_ds_vtable bb_counter_ds;

#endif

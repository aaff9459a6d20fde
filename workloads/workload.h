/* workload.h - a workload: a structure, its variants, its operations and its
 * checker.
 *
 * A variant is either batched (its `ds` vtable is driven through a bb_batcher
 * with the chosen queue and launch strategies) or direct (`apply` is called by
 * each thread itself: the baselines - atomic, lock, sequential). Variants of
 * one workload accept the same op codes and give the same results for the
 * same sequential history.
 *
 * The checker sees every op at submit and at completion, per thread (calls
 * for one thread come from that thread only; different threads may call it
 * concurrently), and at the end the structure's size() after all ops
 * completed. It returns BB_ECHECK with a reason when a result could not have
 * come from a correct execution.
 */
#ifndef BB_WORKLOAD_H
#define BB_WORKLOAD_H

#include <stdint.h>

#include "core/bb_err.h"
#include "core/ds.h"
#include "core/op.h"
#include "core/rng.h"

typedef struct bb_workload_params {
    unsigned threads;
    unsigned depth;
    uint64_t seed;
} bb_workload_params;

typedef struct bb_variant {
    const char *name;
    const char *help;
    unsigned max_threads;     /* 0 = any number */
    const bb_ds_vtable *ds;   /* batched variants: the structure; NULL for direct ones */
    /* direct variants: */
    void *(*create)(const bb_workload_params *p);
    void (*destroy)(void *inst);
    void (*apply)(void *inst, bb_op *op);
    int64_t (*size)(void *inst);
} bb_variant;

typedef struct bb_workload {
    const char *name;
    const char *help;
    const bb_variant *const *variants; /* NULL-terminated */
    const char *const *op_names;       /* indexed by op code, NULL-terminated */
    const char *default_mix;
    /* Fills key/arg of an op whose code was drawn from the mix. */
    void (*make_op)(uint32_t code, bb_rng *rng, bb_op *op);
    void *(*check_create)(const bb_workload_params *p);
    void (*check_submit)(void *chk, unsigned thread, unsigned slot, const bb_op *op);
    void (*check_complete)(void *chk, unsigned thread, unsigned slot, const bb_op *op);
    int (*check_final)(void *chk, int64_t size, bb_err *err);
    void (*check_destroy)(void *chk);
} bb_workload;

static inline int bb_variant_batched(const bb_variant *v)
{
    return v->ds != NULL;
}

extern const bb_workload *const bb_workloads[];
const bb_workload *bb_workload_find(const char *name);
const bb_variant *bb_variant_find(const bb_workload *w, const char *name);

#endif

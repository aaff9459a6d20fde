/* topo.h - machine topology and thread pinning (hwloc).
 *
 * Only PUs in the process's allowed cpuset are used (taskset, cgroups).
 * Pin modes:
 *   none     threads are not bound (the PU each ran on is still recorded)
 *   compact  fill PUs in hwloc logical order (hyperthreads of a core first)
 *   scatter  one PU per core first, alternating packages, then second PUs...
 *   list     explicit OS PU indices, e.g. "0,2,4" or "0-3"; each must be allowed
 * More threads than PUs wrap round the order; the plan says oversubscribed.
 * A loaded bb_topo is read-only and may be used by many threads at once.
 */
#ifndef BB_TOPO_H
#define BB_TOPO_H

#include <stdio.h>

#include "bb_err.h"

#define BB_PIN_LIST_MAX 1024

typedef enum { BB_PIN_NONE = 0, BB_PIN_COMPACT, BB_PIN_SCATTER, BB_PIN_LIST } bb_pin_mode;

typedef struct bb_pin_spec {
    bb_pin_mode mode;
    unsigned n;                /* list mode: number of PUs */
    int pus[BB_PIN_LIST_MAX];  /* list mode: OS indices */
} bb_pin_spec;

typedef struct bb_topo bb_topo;

int bb_topo_load(bb_topo **out, bb_err *err);
void bb_topo_destroy(bb_topo *t);
unsigned bb_topo_npus(const bb_topo *t); /* allowed PUs */

/* Parses none|compact|scatter|LIST (syntax only; see bb_topo_plan). */
int bb_pin_parse(const char *text, bb_pin_spec *out, bb_err *err);

/* Fills pus[0..threads) with the OS PU index for each thread (-1 = unbound)
 * and *oversubscribed with 1 when threads must share a PU: threads > allowed
 * PUs, or (pinned) a plan that repeats a PU. Fails (BB_EINVAL) if a
 * listed PU is not allowed. */
int bb_topo_plan(const bb_topo *t, const bb_pin_spec *spec, unsigned threads, int *pus,
                 int *oversubscribed, bb_err *err);

/* Binds the calling thread to OS PU `pu` (no-op for -1); 0 on success. */
int bb_topo_bind_self(const bb_topo *t, int pu);
/* The PU the calling thread runs on now, or -1. */
int bb_topo_current_pu(void);

/* Writes a JSON object describing the machine (no trailing newline). */
void bb_topo_write_json(const bb_topo *t, FILE *f);

#endif

/* registry.h - queue and launch strategies, looked up by name.
 * Adding a strategy: one file defining a vtable + one line in registry.c. */
#ifndef BB_REGISTRY_H
#define BB_REGISTRY_H

#include "core/batcher.h"
#include "core/strategy.h"

extern const bb_queue_vtable bb_queue_mutex, bb_queue_stack, bb_queue_slots, bb_queue_ring;
extern const bb_launch_vtable bb_launch_cas, bb_launch_dedicated, bb_launch_timeout;

/* NULL-terminated lists, in the order `batchbench list` shows them. */
extern const bb_queue_vtable *const bb_queues[];
extern const bb_launch_vtable *const bb_launches[];

const bb_queue_vtable *bb_queue_find(const char *name);
const bb_launch_vtable *bb_launch_find(const char *name);

#endif

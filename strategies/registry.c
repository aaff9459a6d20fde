#include "registry.h"

#include <string.h>

const bb_queue_vtable *const bb_queues[] = {&bb_queue_mutex, &bb_queue_stack, &bb_queue_slots,
                                            &bb_queue_ring, NULL};
const bb_launch_vtable *const bb_launches[] = {&bb_launch_cas, &bb_launch_dedicated,
                                               &bb_launch_timeout, NULL};

const bb_queue_vtable *bb_queue_find(const char *name)
{
    for (int i = 0; bb_queues[i]; i++)
        if (strcmp(bb_queues[i]->name, name) == 0)
            return bb_queues[i];
    return NULL;
}

const bb_launch_vtable *bb_launch_find(const char *name)
{
    for (int i = 0; bb_launches[i]; i++)
        if (strcmp(bb_launches[i]->name, name) == 0)
            return bb_launches[i];
    return NULL;
}

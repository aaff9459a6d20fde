#include <string.h>

#include "counter/counter.h"
#include "workload.h"

const bb_workload *const bb_workloads[] = {&bb_counter_workload, NULL};

const bb_workload *bb_workload_find(const char *name)
{
    for (int i = 0; bb_workloads[i]; i++)
        if (strcmp(bb_workloads[i]->name, name) == 0)
            return bb_workloads[i];
    return NULL;
}

const bb_variant *bb_variant_find(const bb_workload *w, const char *name)
{
    for (int i = 0; w->variants[i]; i++)
        if (strcmp(w->variants[i]->name, name) == 0)
            return w->variants[i];
    return NULL;
}

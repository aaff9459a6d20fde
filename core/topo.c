#define _GNU_SOURCE
#include "topo.h"

#include <hwloc.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct bb_topo {
    hwloc_topology_t h;
    unsigned n;        /* allowed PUs */
    int *compact;      /* OS indices, logical order */
    int *scatter;      /* OS indices, scatter order */
    unsigned packages, cores;
};

typedef struct {
    int os;
    unsigned logical, rank_in_core, core_in_pkg, pkg;
} pu_info;

static int cmp_scatter(const void *a, const void *b)
{
    const pu_info *x = a, *y = b;
    if (x->rank_in_core != y->rank_in_core)
        return x->rank_in_core < y->rank_in_core ? -1 : 1;
    if (x->core_in_pkg != y->core_in_pkg)
        return x->core_in_pkg < y->core_in_pkg ? -1 : 1;
    if (x->pkg != y->pkg)
        return x->pkg < y->pkg ? -1 : 1;
    return x->logical < y->logical ? -1 : x->logical > y->logical;
}

int bb_topo_load(bb_topo **out, bb_err *err)
{
    bb_topo *t = calloc(1, sizeof *t);
    if (!t)
        return bb_fail(err, BB_ENOMEM, "topology: out of memory");
    if (hwloc_topology_init(&t->h) || hwloc_topology_load(t->h)) {
        free(t);
        return bb_fail(err, BB_ESYS, "topology: hwloc could not load the machine topology");
    }
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(t->h);
    int npu = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
    pu_info *info = calloc((size_t)(npu > 0 ? npu : 1), sizeof *info);
    t->compact = calloc((size_t)(npu > 0 ? npu : 1), sizeof(int));
    t->scatter = calloc((size_t)(npu > 0 ? npu : 1), sizeof(int));
    if (!info || !t->compact || !t->scatter) {
        free(info);
        bb_topo_destroy(t);
        return bb_fail(err, BB_ENOMEM, "topology: out of memory");
    }
    t->packages = (unsigned)hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
    t->cores = (unsigned)hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
    for (int i = 0; i < npu; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, (unsigned)i);
        if (!hwloc_bitmap_isset(allowed, pu->os_index))
            continue;
        pu_info *p = &info[t->n];
        p->os = (int)pu->os_index;
        p->logical = pu->logical_index;
        hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE, pu);
        hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, pu);
        p->pkg = pkg ? pkg->logical_index : 0;
        p->core_in_pkg = core ? core->logical_index : pu->logical_index;
        if (core && pkg) {
            /* index of the core among the package's cores */
            unsigned k = 0;
            for (hwloc_obj_t c = hwloc_get_next_obj_inside_cpuset_by_type(t->h, pkg->cpuset,
                                                                          HWLOC_OBJ_CORE, NULL);
                 c && c != core;
                 c = hwloc_get_next_obj_inside_cpuset_by_type(t->h, pkg->cpuset, HWLOC_OBJ_CORE,
                                                              c))
                k++;
            p->core_in_pkg = k;
        }
        /* rank of the PU within its core, counting allowed PUs only */
        p->rank_in_core = 0;
        for (unsigned j = 0; j < t->n; j++) {
            hwloc_obj_t pj = hwloc_get_pu_obj_by_os_index(t->h, (unsigned)info[j].os);
            if (core && hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE, pj) == core)
                p->rank_in_core++;
        }
        t->compact[t->n] = p->os;
        t->n++;
    }
    qsort(info, t->n, sizeof *info, cmp_scatter);
    for (unsigned i = 0; i < t->n; i++)
        t->scatter[i] = info[i].os;
    free(info);
    if (t->n == 0) {
        bb_topo_destroy(t);
        return bb_fail(err, BB_ESYS, "topology: no allowed processing unit");
    }
    *out = t;
    return BB_OK;
}

void bb_topo_destroy(bb_topo *t)
{
    if (!t)
        return;
    hwloc_topology_destroy(t->h);
    free(t->compact);
    free(t->scatter);
    free(t);
}

unsigned bb_topo_npus(const bb_topo *t)
{
    return t->n;
}

int bb_pin_parse(const char *text, bb_pin_spec *out, bb_err *err)
{
    memset(out, 0, sizeof *out);
    if (!strcmp(text, "none"))
        out->mode = BB_PIN_NONE;
    else if (!strcmp(text, "compact"))
        out->mode = BB_PIN_COMPACT;
    else if (!strcmp(text, "scatter"))
        out->mode = BB_PIN_SCATTER;
    else {
        out->mode = BB_PIN_LIST;
        const char *p = text;
        while (*p) {
            char *end;
            if (*p < '0' || *p > '9')
                goto bad;
            long a = strtol(p, &end, 10), b = a;
            if (*end == '-') {
                if (end[1] < '0' || end[1] > '9')
                    goto bad;
                b = strtol(end + 1, &end, 10);
            }
            if (b < a || b > 1000000)
                goto bad;
            for (long x = a; x <= b; x++) {
                if (out->n == BB_PIN_LIST_MAX)
                    goto bad;
                out->pus[out->n++] = (int)x;
            }
            if (*end == ',' && end[1])
                end++;
            else if (*end)
                goto bad;
            p = end;
        }
        if (out->n == 0)
            goto bad;
    }
    return BB_OK;
bad:
    return bb_fail(err, BB_EINVAL,
                   "--pin: '%s' is not none, compact, scatter or a list of PU numbers (e.g. 0,2 "
                   "or 0-3)", text);
}

int bb_topo_plan(const bb_topo *t, const bb_pin_spec *spec, unsigned threads, int *pus,
                 int *oversubscribed, bb_err *err)
{
    *oversubscribed = threads > t->n;
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(t->h);
    for (unsigned i = 0; i < spec->n && spec->mode == BB_PIN_LIST; i++)
        if (!hwloc_bitmap_isset(allowed, (unsigned)spec->pus[i])) {
            char *list = NULL;
            hwloc_bitmap_list_asprintf(&list, allowed);
            int rc = bb_fail(err, BB_EINVAL, "--pin: PU %d is not in the allowed set (%s)",
                             spec->pus[i], list ? list : "?");
            free(list);
            return rc;
        }
    for (unsigned i = 0; i < threads; i++) {
        switch (spec->mode) {
        case BB_PIN_NONE: pus[i] = -1; break;
        case BB_PIN_COMPACT: pus[i] = t->compact[i % t->n]; break;
        case BB_PIN_SCATTER: pus[i] = t->scatter[i % t->n]; break;
        case BB_PIN_LIST: pus[i] = spec->pus[i % spec->n]; break;
        }
    }
    /* Pinned threads share a PU when the plan repeats one (a short or
     * repetitive PU list, or more threads than PUs). */
    for (unsigned i = 0; i < threads && spec->mode != BB_PIN_NONE && !*oversubscribed; i++)
        for (unsigned j = 0; j < i; j++)
            if (pus[i] == pus[j]) {
                *oversubscribed = 1;
                break;
            }
    return BB_OK;
}

int bb_topo_bind_self(const bb_topo *t, int pu)
{
    if (pu < 0)
        return 0;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set)
        return -1;
    hwloc_bitmap_only(set, (unsigned)pu);
    int rc = hwloc_set_cpubind(t->h, set, HWLOC_CPUBIND_THREAD);
    hwloc_bitmap_free(set);
    return rc;
}

int bb_topo_current_pu(void)
{
    return sched_getcpu();
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void bb_topo_write_json(const bb_topo *t, FILE *f)
{
    char *allowed = NULL;
    hwloc_bitmap_list_asprintf(&allowed, hwloc_topology_get_allowed_cpuset(t->h));
    hwloc_obj_t pkg = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, 0);
    const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    hwloc_obj_t root = hwloc_get_root_obj(t->h);
    fprintf(f, "{\"hwloc_version\": \"%s\", \"cpu_model\": ", HWLOC_VERSION);
    json_str(f, model ? model : "unknown");
    fprintf(f, ", \"architecture\": ");
    json_str(f, hwloc_obj_get_info_by_name(root, "Architecture"));
    fprintf(f, ", \"packages\": %u, \"cores\": %u, \"pus\": %d, \"allowed_pus\": %u, "
               "\"numa_nodes\": %d, \"allowed_cpuset\": ",
            t->packages, t->cores, hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU), t->n,
            hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE));
    json_str(f, allowed ? allowed : "");
    fprintf(f, ", \"compact_order\": [");
    for (unsigned i = 0; i < t->n; i++)
        fprintf(f, "%s%d", i ? ", " : "", t->compact[i]);
    fprintf(f, "], \"scatter_order\": [");
    for (unsigned i = 0; i < t->n; i++)
        fprintf(f, "%s%d", i ? ", " : "", t->scatter[i]);
    fprintf(f, "]}");
    free(allowed);
}

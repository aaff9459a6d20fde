/* meta.c - meta.json: the command line, the machine (hwloc topology, the PU
 * each thread was planned on and ran on), the kernel, the build (compiler,
 * flags, allocator and its options read back through jemalloc's mallctl), the
 * git revision, start and end time. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "core/clock.h"
#include "gitrev.h"
#include "report.h"

#ifdef BB_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* First line of a sysfs file, or "unavailable". */
static void read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, (int)len, f))
        snprintf(buf, len, "unavailable");
    if (f)
        fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

void bb_utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_allocator(FILE *f)
{
#ifdef BB_HAVE_JEMALLOC
    const char *version = "?", *percpu = "?", *thp = "?";
    size_t sz = sizeof(const char *);
    mallctl("version", &version, &sz, NULL, 0);
    sz = sizeof(const char *);
    mallctl("opt.percpu_arena", &percpu, &sz, NULL, 0);
    sz = sizeof(const char *);
    mallctl("opt.metadata_thp", &thp, &sz, NULL, 0);
    unsigned narenas = 0;
    sz = sizeof narenas;
    mallctl("opt.narenas", &narenas, &sz, NULL, 0);
    bool tcache = false, bg = false;
    sz = sizeof tcache;
    mallctl("opt.tcache", &tcache, &sz, NULL, 0);
    sz = sizeof bg;
    mallctl("opt.background_thread", &bg, &sz, NULL, 0);
    ssize_t dirty = 0, muzzy = 0;
    sz = sizeof dirty;
    mallctl("opt.dirty_decay_ms", &dirty, &sz, NULL, 0);
    sz = sizeof muzzy;
    mallctl("opt.muzzy_decay_ms", &muzzy, &sz, NULL, 0);
    fprintf(f, "{\"name\": \"jemalloc\", \"version\": ");
    bb_json_str(f, version);
    fprintf(f, ", \"opt.narenas\": %u, \"opt.tcache\": %s, \"opt.background_thread\": %s, "
               "\"opt.dirty_decay_ms\": %zd, \"opt.muzzy_decay_ms\": %zd, "
               "\"opt.percpu_arena\": ",
            narenas, tcache ? "true" : "false", bg ? "true" : "false", dirty, muzzy);
    bb_json_str(f, percpu);
    fprintf(f, ", \"opt.metadata_thp\": ");
    bb_json_str(f, thp);
    fprintf(f, ", \"MALLOC_CONF\": ");
    bb_json_str(f, getenv("MALLOC_CONF") ? getenv("MALLOC_CONF") : "");
    fprintf(f, "}");
#else
    fprintf(f, "{\"name\": \"system\"}");
#endif
}

void bb_meta_write_build(FILE *f)
{
    fprintf(f, "{\"compiler\": ");
    bb_json_str(f, "gcc-compatible " __VERSION__);
    fprintf(f, ", \"build_type\": ");
    bb_json_str(f, BB_BUILD_TYPE);
    fprintf(f, ", \"flags\": ");
    bb_json_str(f, BB_BUILD_FLAGS);
    fprintf(f, ", \"sanitizer\": ");
    bb_json_str(f, BB_SANITIZE_NAME);
    fprintf(f, ", \"allocator\": ");
    write_allocator(f);
    fprintf(f, "}");
}

int bb_meta_write(FILE *f, const bb_report *r, const bb_config *cs, const bb_topo *topo)
{
    char ended[32];
    bb_utc_now(ended, sizeof ended);
    struct utsname u;
    uname(&u);
    fprintf(f, "{\n  \"tool\": \"batchbench\",\n  \"command_line\": [");
    for (int i = 0; i < r->argc; i++) {
        fprintf(f, "%s", i ? ", " : "");
        bb_json_str(f, r->argv[i]);
    }
    fprintf(f, "],\n  \"git_revision\": ");
    bb_json_str(f, BB_GIT_REV);
    fprintf(f, ",\n  \"started_utc\": \"%s\",\n  \"ended_utc\": \"%s\",\n  \"kernel\": ",
            r->started, ended);
    char kernel[600];
    snprintf(kernel, sizeof kernel, "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
    bb_json_str(f, kernel);
    fprintf(f, ",\n  \"hostname\": ");
    bb_json_str(f, u.nodename);
    fprintf(f, ",\n  \"latency_clock\": \"%s\", \"tsc_ghz\": %.6f", bb_fast_clock_name(),
            bb_tsc.use_tsc ? bb_tsc.ghz : 0.0);
    char clocksource[64], governor[64];
    read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", clocksource,
              sizeof clocksource);
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", governor,
              sizeof governor);
    fprintf(f, ",\n  \"clocksource\": ");
    bb_json_str(f, clocksource);
    fprintf(f, ", \"cpufreq_governor\": ");
    bb_json_str(f, governor);
    fprintf(f, ",\n  \"machine\": ");
    bb_topo_write_json(topo, f);
    fprintf(f, ",\n  \"build\": ");
    bb_meta_write_build(f);
    fprintf(f, ",\n  \"configurations\": %d,\n  \"repetitions\": %u,\n  \"runs\": [", r->n,
            r->reps);
    for (unsigned rep = 0; rep < r->reps; rep++)
        for (int i = 0; i < r->n; i++) {
            const bb_result *x = &r->res[(size_t)rep * (size_t)r->n + (size_t)i];
            fprintf(f, "%s\n    {\"config\": %d, \"rep\": %u, \"variant\": ",
                    rep || i ? "," : "", i, rep);
            bb_json_str(f, cs[i].v->name);
            fprintf(f, ", \"threads\": %u, \"oversubscribed\": %s, \"pu_planned\": [",
                    cs[i].threads, x->oversubscribed ? "true" : "false");
            for (unsigned t = 0; t < cs[i].threads; t++)
                fprintf(f, "%s%d", t ? ", " : "", x->pu_plan ? x->pu_plan[t] : -1);
            fprintf(f, "], \"pu_ran_on\": [");
            for (unsigned t = 0; t < cs[i].threads; t++)
                fprintf(f, "%s%d", t ? ", " : "", x->pu_seen ? x->pu_seen[t] : -1);
            fprintf(f, "]");
            if (cs[i].l && !strcmp(cs[i].l->name, "dedicated"))
                fprintf(f, ", \"server_pu\": %d, \"server_shares_pu\": %s", x->server_pu,
                        x->server_shares_pu ? "true" : "false");
            fprintf(f, "}");
        }
    fprintf(f, "\n  ]\n}\n");
    return 0;
}

/* sweep.c - `run` and `sweep`: validate every value before anything runs
 * (bad input: exit 2, one line), expand the cartesian product, run each
 * configuration `reps` times (repetitions interleaved across configurations,
 * so slow drift of a shared machine spreads over all of them), write the
 * results folder, print the table. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "harness.h"
#include "report.h"

#define BAD(...)                                                                                   \
    do {                                                                                           \
        fprintf(stderr, "batchbench: " __VA_ARGS__);                                               \
        fputc('\n', stderr);                                                                       \
        return 2;                                                                                  \
    } while (0)

static int parse_uint(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (bb_parse_u64(s, out) || *out < min || *out > max)
        BAD("--%s: '%s' is not an integer in [%llu, %llu]", opt, s, (unsigned long long)min,
            (unsigned long long)max);
    return 0;
}

static int parse_seconds(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 0 || v > 86400 || isspace((unsigned char)*s) ||
        strpbrk(s, "xXpP"))
        BAD("--%s: '%s' is not a number of seconds in [0, 86400]", opt, s);
    *out = v;
    return 0;
}

static void names_of(char *buf, size_t len, const char *const *names)
{
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; names[i] && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
}

static void set_default(bb_strlist *l, const char *v)
{
    if (l->n == 0) {
        snprintf(l->v[0], BB_TEXT, "%s", v);
        l->n = 1;
    }
}

/* A structure that does nothing, used to validate strategy specs by building
 * a real batcher around them (so every option is checked by the code that
 * will use it, before anything runs). */
static int probe_value;
static void *probe_create(const void *p)
{
    (void)p;
    return &probe_value;
}
static void probe_destroy(void *d)
{
    (void)d;
}
static void probe_run(void *d, bb_op **ops, size_t n, bb_executor *ex)
{
    (void)d, (void)ops, (void)n, (void)ex;
}
static const bb_ds_vtable probe_ds = {"probe", probe_create, probe_destroy, probe_run, NULL, NULL};

static int list_names(char *buf, size_t len, int queues)
{
    size_t off = 0;
    buf[0] = 0;
    for (int k = 0; queues ? bb_queues[k] != NULL : bb_launches[k] != NULL; k++)
        off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", k ? ", " : "",
                                queues ? bb_queues[k]->name : bb_launches[k]->name);
    return 0;
}

/* Checks one queue spec (is_queue) or launch spec, paired with the first
 * registered strategy of the other kind. */
static int check_strategy(const char *text, int is_queue)
{
    const char *opt = is_queue ? "queue" : "launch";
    bb_spec s;
    bb_err err;
    char names[256];
    if (bb_spec_parse(text, &s, &err))
        BAD("--%s: %s", opt, err.msg);
    const bb_queue_vtable *q = is_queue ? bb_queue_find(s.name) : bb_queues[0];
    const bb_launch_vtable *l = is_queue ? bb_launches[0] : bb_launch_find(s.name);
    if (!q || !l) {
        list_names(names, sizeof names, is_queue);
        BAD("--%s: unknown %s '%s' (accepted: %s)", opt, opt, s.name, names);
    }
    bb_batcher_config bc = {.ds = &probe_ds, .ds_inst = &probe_value, .queue = q,
                            .queue_spec = is_queue ? text : NULL, .launch = l,
                            .launch_spec = is_queue ? NULL : text, .max_threads = 1,
                            .depth = 1, .server_pu = -1};
    bb_batcher *b;
    int rc = bb_batcher_create(&bc, &b, &err);
    if (rc == BB_OK) {
        bb_batcher_destroy(b);
        return 0;
    }
    if (rc == BB_EINVAL)
        BAD("--%s: %s", opt, err.msg);
    BAD("%s", err.msg);
}

static int valid_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
            return 0;
    return *s == 0;
}

/* Expands the option lists into configurations. Returns 0 or 2. */
static int expand(bb_cli *cli, const bb_topo *topo, bb_config **out, int *nout)
{
    char names[512];
    if (!cli->structure.n)
        set_default(&cli->structure, "counter");
    set_default(&cli->variant, "batched");
    set_default(&cli->queue, "stack");
    set_default(&cli->launch, "cas");
    set_default(&cli->wait, "adaptive");
    char tdef[16];
    snprintf(tdef, sizeof tdef, "%u", bb_topo_npus(topo));
    int threads_given = cli->threads.n > 0;
    set_default(&cli->threads, tdef);
    set_default(&cli->depth, "1");
    set_default(&cli->work, "0");
    set_default(&cli->pin, "compact");
    set_default(&cli->seed, "1");

    const bb_workload *ws[BB_MAXV];
    for (int i = 0; i < cli->structure.n; i++)
        if (!(ws[i] = bb_workload_find(cli->structure.v[i]))) {
            const char *n[16];
            int k = 0;
            for (; bb_workloads[k] && k < 15; k++)
                n[k] = bb_workloads[k]->name;
            n[k] = NULL;
            names_of(names, sizeof names, n);
            BAD("--structure: unknown structure '%s' (accepted: %s)", cli->structure.v[i], names);
        }
    for (int i = 0; i < cli->variant.n; i++) {
        int found = 0;
        for (int s = 0; s < cli->structure.n; s++)
            found |= bb_variant_find(ws[s], cli->variant.v[i]) != NULL;
        if (!found) {
            const char *n[16];
            int k = 0;
            for (; ws[0]->variants[k] && k < 15; k++)
                n[k] = ws[0]->variants[k]->name;
            n[k] = NULL;
            names_of(names, sizeof names, n);
            BAD("--variant: unknown variant '%s' (accepted for %s: %s)", cli->variant.v[i],
                ws[0]->name, names);
        }
    }
    for (int i = 0; i < cli->queue.n; i++)
        if (check_strategy(cli->queue.v[i], 1))
            return 2;
    for (int i = 0; i < cli->launch.n; i++)
        if (check_strategy(cli->launch.v[i], 0))
            return 2;
    bb_wait_policy wp[BB_MAXV];
    for (int i = 0; i < cli->wait.n; i++)
        if (bb_wait_policy_parse(cli->wait.v[i], &wp[i]))
            BAD("--wait: unknown policy '%s' (accepted: adaptive, spin, yield, park)",
                cli->wait.v[i]);
    uint64_t th[BB_MAXV], dp[BB_MAXV], wk[BB_MAXV], sd[BB_MAXV];
    for (int i = 0; i < cli->threads.n; i++)
        if (parse_uint("threads", cli->threads.v[i], 1, 1024, &th[i]))
            return 2;
    for (int i = 0; i < cli->depth.n; i++)
        if (parse_uint("depth", cli->depth.v[i], 1, 4096, &dp[i]))
            return 2;
    for (int i = 0; i < cli->work.n; i++)
        if (parse_uint("work", cli->work.v[i], 0, 1000000000, &wk[i]))
            return 2;
    for (int i = 0; i < cli->seed.n; i++)
        if (parse_uint("seed", cli->seed.v[i], 0, UINT64_MAX, &sd[i]))
            return 2;
    static bb_pin_spec pins[BB_MAXV];
    for (int i = 0; i < cli->pin.n; i++) {
        bb_err err;
        int over;
        int pu[1];
        if (bb_pin_parse(cli->pin.v[i], &pins[i], &err) ||
            bb_topo_plan(topo, &pins[i], 1, pu, &over, &err))
            BAD("%s", err.msg);
    }
    double rates[BB_MAXV];
    set_default(&cli->rate, "0");
    for (int i = 0; i < cli->rate.n; i++) {
        char *end;
        errno = 0;
        rates[i] = strtod(cli->rate.v[i], &end);
        if (*end || errno || !isfinite(rates[i]) || (rates[i] != 0 && rates[i] < 1) ||
            rates[i] > 1e10 || strpbrk(cli->rate.v[i], "xXpP"))
            BAD("--rate: '%s' is not 0 (closed loop) or a rate in ops/s in [1, 1e10]",
                cli->rate.v[i]);
        if (rates[i] > 0 && cli->ops[0])
            BAD("--rate: an open-loop run is timed: use --duration, not --ops");
        for (int j = 0; j < i; j++)
            if (rates[j] == rates[i])
                BAD("--rate: '%s' and '%s' are the same rate", cli->rate.v[j], cli->rate.v[i]);
    }
    int poisson = 0, any_open = 0;
    for (int i = 0; i < cli->rate.n; i++)
        any_open |= rates[i] > 0;
    if (cli->arrivals[0] && !any_open)
        BAD("--arrivals: applies to open-loop runs only; give --rate R as well");
    if (cli->arrivals[0]) {
        if (!strcmp(cli->arrivals, "poisson"))
            poisson = 1;
        else if (strcmp(cli->arrivals, "fixed"))
            BAD("--arrivals: '%s' is not fixed or poisson", cli->arrivals);
    }
    double duration = 1.0, warmup = 0.2;
    uint64_t ops = 0;
    int by_ops = cli->ops[0] != 0;
    if (cli->duration[0] && parse_seconds("duration", cli->duration, &duration))
        return 2;
    if (cli->warmup[0] && parse_seconds("warmup", cli->warmup, &warmup))
        return 2;
    if (by_ops && parse_uint("ops", cli->ops, 0, (uint64_t)1 << 40, &ops))
        return 2;

    size_t cap = 64, n = 0;
    bb_config *cs = malloc(cap * sizeof *cs);
    if (!cs)
        BAD("out of memory");
    for (int si = 0; si < cli->structure.n; si++)
    for (int vi = 0; vi < cli->variant.n; vi++) {
        const bb_workload *w = ws[si];
        const bb_variant *v = bb_variant_find(w, cli->variant.v[vi]);
        if (!v)
            continue;
        int batched = bb_variant_batched(v);
        bb_mix mixes[BB_MAXV];
        bb_strlist mixl = cli->mix;
        if (!mixl.n) {
            snprintf(mixl.v[0], BB_TEXT, "%s", w->default_mix);
            mixl.n = 1;
        }
        for (int i = 0; i < mixl.n; i++) {
            bb_err err;
            if (bb_mix_parse(mixl.v[i], w->op_names, &mixes[i], &err)) {
                free(cs);
                BAD("%s", err.msg);
            }
        }
        for (int qi = 0; qi < (batched ? cli->queue.n : 1); qi++)
        for (int li = 0; li < (batched ? cli->launch.n : 1); li++)
        for (int wi = 0; wi < (batched ? cli->wait.n : 1); wi++)
        for (int ti = 0; ti < cli->threads.n; ti++)
        for (int di = 0; di < cli->depth.n; di++)
        for (int ki = 0; ki < cli->work.n; ki++)
        for (int mi = 0; mi < mixl.n; mi++)
        for (int pi = 0; pi < cli->pin.n; pi++)
        for (int ei = 0; ei < cli->seed.n; ei++)
        for (int ri = 0; ri < cli->rate.n; ri++) {
            uint64_t nthreads = th[ti];
            if (!threads_given && v->max_threads && nthreads > v->max_threads)
                nthreads = v->max_threads; /* default thread count, capped by the variant */
            if (v->max_threads && nthreads > v->max_threads) {
                if (!cli->sweep) {
                    free(cs);
                    BAD("--threads: variant %s runs on at most %u thread(s), got %llu",
                        v->name, v->max_threads, (unsigned long long)th[ti]);
                }
                continue;
            }
            if (n == cap) {
                cap *= 2;
                bb_config *nc = realloc(cs, cap * sizeof *nc);
                if (!nc) {
                    free(cs);
                    BAD("out of memory");
                }
                cs = nc;
            }
            bb_config *c = &cs[n++];
            memset(c, 0, sizeof *c);
            c->w = w;
            c->v = v;
            if (batched) {
                bb_spec s;
                bb_spec_parse(cli->queue.v[qi], &s, NULL);
                c->q = bb_queue_find(s.name);
                bb_spec_format(&s, c->queue_text, sizeof c->queue_text);
                bb_spec_parse(cli->launch.v[li], &s, NULL);
                c->l = bb_launch_find(s.name);
                bb_spec_format(&s, c->launch_text, sizeof c->launch_text);
                c->wait = wp[wi];
            } else {
                strcpy(c->queue_text, "-");
                strcpy(c->launch_text, "-");
                c->wait = BB_WAIT_ADAPTIVE;
            }
            c->threads = (unsigned)nthreads;
            c->depth = (unsigned)dp[di];
            c->work = wk[ki];
            snprintf(c->mix_text, sizeof c->mix_text, "%s", mixl.v[mi]);
            c->mix = mixes[mi];
            snprintf(c->pin_text, sizeof c->pin_text, "%s", cli->pin.v[pi]);
            c->pin = pins[pi];
            c->seed = sd[ei];
            c->by_ops = by_ops;
            c->duration = by_ops ? 0 : duration;
            c->ops = ops;
            c->warmup = warmup;
            c->rate = rates[ri];
            c->poisson = poisson;
        }
    }
    if (n == 0) {
        free(cs);
        BAD("no configuration applies (check --variant against --threads: seq runs on 1 thread)");
    }
    *out = cs;
    *nout = (int)n;
    return 0;
}

static void progress(int i, int total, const bb_config *c, double mops, double elapsed)
{
    double left = i ? elapsed / i * (total - i) : 0;
    char rate[48] = "";
    if (c->rate > 0)
        snprintf(rate, sizeof rate, " rate=%g", c->rate);
    fprintf(stderr, "\r\033[K[%d/%d] %s/%s/%s t=%u d=%u w=%llu%s: %.3f Mops/s, ~%.0fs left", i,
            total, c->v->name, c->queue_text, c->launch_text, c->threads, c->depth,
            (unsigned long long)c->work, rate, mops, left);
    fflush(stderr);
}

/* Named experiments: presets for the lists the user did not give. */
static void preset(bb_strlist *l, const char *csv)
{
    if (l->n)
        return;
    for (const char *p = csv; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        memcpy(l->v[l->n], p, n);
        l->v[l->n++][n] = 0;
        p += n + (e != NULL);
    }
}

static int apply_experiment(bb_cli *cli)
{
    if (!cli->experiment[0])
        return 0;
    if (!strcmp(cli->experiment, "strategies")) {
        char queues[256] = "", launches[256] = "";
        for (int i = 0; bb_queues[i]; i++)
            snprintf(queues + strlen(queues), sizeof queues - strlen(queues), "%s%s",
                     i ? "," : "", bb_queues[i]->name);
        for (int i = 0; bb_launches[i]; i++)
            snprintf(launches + strlen(launches), sizeof launches - strlen(launches), "%s%s",
                     i ? "," : "", bb_launches[i]->name);
        strcat(launches, ",cas:lazy=1");
        preset(&cli->variant, "batched,atomic,mutex");
        preset(&cli->queue, queues);
        preset(&cli->launch, launches);
        preset(&cli->threads, "1,2,4,8");
        preset(&cli->work, "1,64");
        preset(&cli->depth, "1,64");
        if (!cli->reps[0])
            strcpy(cli->reps, "3");
        if (!cli->duration[0] && !cli->ops[0])
            strcpy(cli->duration, "0.5");
        if (!cli->warmup[0])
            strcpy(cli->warmup, "0.1");
        if (!cli->label[0])
            strcpy(cli->label, "strategies");
        return 0;
    }
    BAD("--experiment: unknown experiment '%s' (accepted: strategies)", cli->experiment);
}

int bb_sweep_main(const bb_cli *cli_in, int argc, char **argv)
{
    bb_cli cli = *cli_in;
    const char *cmd = cli.sweep ? "sweep" : "run";
    if (apply_experiment(&cli))
        return 2;
    if (!cli.label[0])
        snprintf(cli.label, sizeof cli.label, "%s", cmd);
    if (!valid_label(cli.label))
        BAD("--label: '%s' must be 1..64 characters from A-Z a-z 0-9 . _ -", cli.label);
    uint64_t reps = 1;
    if (cli.reps[0] && parse_uint("reps", cli.reps, 1, 1000, &reps))
        return 2;
    const char *parent = cli.out[0] ? cli.out : "results";
    bb_err err;
    if (bb_outdir_check(parent, &err))
        BAD("%s", err.msg);

    bb_topo *topo;
    if (bb_topo_load(&topo, &err)) {
        fprintf(stderr, "batchbench: %s\n", err.msg);
        return 1;
    }
    bb_config *cs;
    int n;
    int rc = expand(&cli, topo, &cs, &n);
    if (rc) {
        bb_topo_destroy(topo);
        return rc;
    }
    bb_report rep;
    if (bb_report_begin(&rep, parent, cli.label, n, (unsigned)reps, argc, argv, &err)) {
        fprintf(stderr, "batchbench: %s\n", err.msg);
        free(cs);
        bb_topo_destroy(topo);
        return 2;
    }
    int tty = isatty(2) && !cli.quiet;
    FILE *gov = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
    char gbuf[64] = "";
    if (gov) {
        if (fgets(gbuf, sizeof gbuf, gov) && strncmp(gbuf, "performance", 11) && !cli.quiet)
            fprintf(stderr, "batchbench: note: cpufreq governor is %.*s, not performance: "
                            "frequency scaling may skew results\n",
                    (int)strcspn(gbuf, "\n"), gbuf);
        fclose(gov);
    }
    int total = n * (int)reps, done = 0;
    uint64_t t_start = bb_now_ns();
    for (unsigned r = 0; r < reps && !rc; r++)
        for (int i = 0; i < n && !rc; i++) {
            bb_result res;
            int e = bb_run_config(&cs[i], r, topo, &res, &err);
            if (e) {
                if (tty)
                    fprintf(stderr, "\n");
                fprintf(stderr, "batchbench: configuration %d (%s/%s/%s, %u threads, rep %u): "
                                "%s\n", i + 1, cs[i].v->name, cs[i].queue_text,
                        cs[i].launch_text, cs[i].threads, r, err.msg);
                rc = 1;
                break;
            }
            bb_report_add(&rep, i, r, &res);
            done++;
            if (tty)
                progress(done, total, &cs[i], res.mops, (double)(bb_now_ns() - t_start) / 1e9);
        }
    if (tty)
        fprintf(stderr, "\r\033[K");
    if (rc) {
        bb_report_abort(&rep);
    } else if (bb_report_finish(&rep, cs, topo, &err)) {
        fprintf(stderr, "batchbench: %s\n", err.msg);
        bb_report_abort(&rep);
        rc = 1;
    } else {
        if (!cli.quiet)
            bb_report_print_table(&rep, cs, stdout);
        char drawn[8][32];
        int ndrawn = 0;
        if (cli.plot && bb_plot_dir(rep.dir.final, drawn, &ndrawn, &err)) {
            fprintf(stderr, "batchbench: plot: %s\n", err.msg);
            rc = 1;
        }
        if (!cli.quiet) {
            printf("\nwrote %s/results.csv\n", rep.dir.final);
            static const char *const files[] = {"summary.csv", "latency.csv", "batches.csv",
                                                "meta.json"};
            for (int i = 0; i < 4; i++)
                printf("      %s/%s\n", rep.dir.final, files[i]);
            for (int i = 0; i < ndrawn; i++)
                printf("      %s/%s.png, .svg, .dat\n", rep.dir.final, drawn[i]);
        }
    }
    bb_report_free(&rep);
    free(cs);
    bb_topo_destroy(topo);
    return rc;
}

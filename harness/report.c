#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int bb_report_begin(bb_report *r, const char *parent, const char *label, int n, unsigned reps,
                    int argc, char **argv, bb_err *err)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->reps = reps;
    r->argc = argc;
    r->argv = argv;
    r->res = calloc((size_t)n * reps, sizeof *r->res);
    r->hist = calloc((size_t)n, sizeof *r->hist);
    r->sizes = calloc((size_t)n, sizeof *r->sizes);
    if (!r->res || !r->hist || !r->sizes) {
        free(r->res);
        free(r->hist);
        free(r->sizes);
        return bb_fail(err, BB_ENOMEM, "out of memory");
    }
    bb_utc_now(r->started, sizeof r->started);
    int rc = bb_outdir_begin(&r->dir, parent, label, err);
    if (rc) {
        free(r->res);
        free(r->hist);
        free(r->sizes);
        r->res = NULL;
        r->hist = NULL;
        r->sizes = NULL;
    }
    return rc;
}

void bb_report_add(bb_report *r, int config, unsigned rep, const bb_result *res)
{
    bb_result *x = &r->res[(size_t)rep * (size_t)r->n + (size_t)config];
    *x = *res;
    /* fold the latency histogram into the configuration's; keep one copy */
    if (x->hist) {
        if (!r->hist[config]) {
            r->hist[config] = x->hist;
        } else {
            bb_hist_merge(r->hist[config], x->hist);
            free(x->hist);
        }
        x->hist = NULL;
    }
    for (int k = 0; k < BB_BATCH_BUCKETS; k++)
        r->sizes[config][k] += x->size_hist[k];
}

void bb_report_abort(bb_report *r)
{
    bb_outdir_abort(&r->dir);
}

void bb_report_free(bb_report *r)
{
    for (size_t i = 0; r->res && i < (size_t)r->n * r->reps; i++)
        bb_result_free(&r->res[i]);
    free(r->res);
    r->res = NULL;
    for (int i = 0; r->hist && i < r->n; i++)
        free(r->hist[i]);
    free(r->hist);
    free(r->sizes);
    r->hist = NULL;
    r->sizes = NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Two-sided 95% Student t quantiles for 1..30 degrees of freedom. */
static const double t975[31] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

void bb_summarize(const double *x, unsigned n, bb_summary *s)
{
    memset(s, 0, sizeof *s);
    if (n == 0)
        return;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return;
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    s->min = v[0];
    s->max = v[n - 1];
    s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    double sum = 0;
    for (unsigned i = 0; i < n; i++)
        sum += v[i];
    s->mean = sum / n;
    if (n > 1) {
        double ss = 0;
        for (unsigned i = 0; i < n; i++)
            ss += (v[i] - s->mean) * (v[i] - s->mean);
        double sd = sqrt(ss / (n - 1));
        s->ci95 = (n - 1 <= 30 ? t975[n - 1] : 1.960) * sd / sqrt((double)n);
        s->cv = s->mean > 0 ? sd / s->mean : 0;
    }
    free(v);
}

/* Parameter columns, shared by results.csv and summary.csv. */
static const char *param_header =
    "structure,variant,queue,launch,wait,threads,depth,work,mix,pin,seed,mode,duration_s,"
    "ops_target,warmup_s,load,rate_target,arrivals";

static void write_params(FILE *f, const bb_config *c)
{
    char d[32], w[32];
    bb_fmt_double(d, sizeof d, c->duration, 3);
    bb_fmt_double(w, sizeof w, c->warmup, 3);
    bb_csv_field(f, c->w->name);
    fputc(',', f);
    bb_csv_field(f, c->v->name);
    fputc(',', f);
    bb_csv_field(f, c->queue_text);
    fputc(',', f);
    bb_csv_field(f, c->launch_text);
    fprintf(f, ",%s,%u,%u,%llu,", c->q ? bb_wait_policy_name(c->wait) : "-", c->threads,
            c->depth, (unsigned long long)c->work);
    bb_csv_field(f, c->mix_text);
    fputc(',', f);
    bb_csv_field(f, c->pin_text);
    fprintf(f, ",%llu,%s,%s,%llu,%s", (unsigned long long)c->seed,
            c->by_ops ? "ops" : "duration", d, (unsigned long long)c->ops, w);
    if (c->rate > 0)
        fprintf(f, ",open,%.10g,%s", c->rate, c->poisson ? "poisson" : "fixed");
    else
        fprintf(f, ",closed,0,-");
}

static int write_results(bb_report *r, const bb_config *cs, bb_err *err)
{
    FILE *f = bb_file_open(&r->dir, "results.csv");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot write results.csv in %s", r->dir.tmp);
    fprintf(f, "%s,rep,ops,seconds,throughput_mops,rate_achieved_ops_s,backlog_ops,lat_p50_ns,"
               "lat_p90_ns,lat_p99_ns,lat_p999_ns,lat_p9999_ns,lat_max_ns,lat_overflow,"
               "lat_empty,queue_wait_ns,batch_run_ns,batches,mean_batch,max_batch,flush_size,"
               "flush_deadline,fairness_cv,thread_ops,alloc_bytes_per_op,ds_bytes,"
               "oversubscribed\n",
            param_header);
    for (unsigned rep = 0; rep < r->reps; rep++)
        for (int i = 0; i < r->n; i++) {
            const bb_result *x = &r->res[(size_t)rep * (size_t)r->n + (size_t)i];
            char sec[32], mops[32], mb[32], rate[32], qw[32], br[32], fair[32], alloc[32],
                dsb[32];
            bb_fmt_double(sec, sizeof sec, x->seconds, 6);
            bb_fmt_double(mops, sizeof mops, x->mops, 4);
            bb_fmt_double(mb, sizeof mb, x->mean_batch, 2);
            bb_fmt_double(rate, sizeof rate, x->mops * 1e6, 0);
            bb_fmt_double(qw, sizeof qw, x->queue_wait_ns, 1);
            bb_fmt_double(br, sizeof br, x->batch_run_ns, 1);
            bb_fmt_double(fair, sizeof fair, x->fairness_cv, 4);
            if (x->alloc_per_op < 0)
                strcpy(alloc, "-");
            else
                bb_fmt_double(alloc, sizeof alloc, x->alloc_per_op, 2);
            if (x->ds_bytes < 0)
                strcpy(dsb, "-");
            else
                snprintf(dsb, sizeof dsb, "%lld", (long long)x->ds_bytes);
            write_params(f, &cs[i]);
            fprintf(f, ",%u,%llu,%s,%s,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%d,%s,%s,%llu,%s,"
                       "%llu,%llu,%llu,%s,",
                    rep, (unsigned long long)x->ops, sec, mops, rate,
                    (unsigned long long)x->backlog, (unsigned long long)x->lat_p50,
                    (unsigned long long)x->lat_p90, (unsigned long long)x->lat_p99,
                    (unsigned long long)x->lat_p999, (unsigned long long)x->lat_p9999,
                    (unsigned long long)x->lat_max, (unsigned long long)x->lat_overflow,
                    x->ops == 0, qw, br, (unsigned long long)x->batches, mb,
                    (unsigned long long)x->max_batch, (unsigned long long)x->flush_size,
                    (unsigned long long)x->flush_deadline, fair);
            for (unsigned t = 0; t < cs[i].threads; t++)
                fprintf(f, "%s%llu", t ? ";" : "",
                        (unsigned long long)(x->thread_ops ? x->thread_ops[t] : 0));
            fprintf(f, ",%s,%s,%d\n", alloc, dsb, x->oversubscribed);
        }
    if (bb_file_close(f, &r->dir, "results.csv"))
        return bb_fail(err, BB_ESYS, "writing results.csv failed");
    return BB_OK;
}

/* latency.csv: the percentile spectrum of each configuration (all
 * repetitions merged), HdrHistogram style: 5 steps per halving of the
 * distance to 100%, then the maximum. */
static int write_latency(bb_report *r, const bb_config *cs, bb_err *err)
{
    FILE *f = bb_file_open(&r->dir, "latency.csv");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot write latency.csv in %s", r->dir.tmp);
    fprintf(f, "config,%s,percentile,value_ns,count_below,inv_one_minus_p\n", param_header);
    for (int i = 0; i < r->n; i++) {
        const bb_hist *h = r->hist[i];
        if (!h || h->count == 0)
            continue; /* nothing measured: results.csv says lat_empty=1 */
        for (int k = 0;; k++) {
            double p = 1.0 - pow(0.5, k / 5.0);
            int last = 1.0 / (1.0 - p) >= (double)h->count;
            if (last)
                p = 1.0;
            uint64_t v = bb_hist_quantile(h, p);
            char ps[32], inv[32];
            bb_fmt_double(ps, sizeof ps, p * 100.0, 6);
            bb_fmt_double(inv, sizeof inv, last ? (double)h->count : 1.0 / (1.0 - p), 2);
            fprintf(f, "%d,", i);
            write_params(f, &cs[i]);
            fprintf(f, ",%s,%llu,%llu,%s\n", ps, (unsigned long long)v,
                    (unsigned long long)(last ? h->count : (uint64_t)(p * (double)h->count)),
                    inv);
            if (last)
                break;
        }
    }
    if (bb_file_close(f, &r->dir, "latency.csv"))
        return bb_fail(err, BB_ESYS, "writing latency.csv failed");
    return BB_OK;
}

/* batches.csv: batch sizes of each batched configuration (all repetitions),
 * log2 buckets [lo, hi]. */
static int write_batches(bb_report *r, const bb_config *cs, bb_err *err)
{
    FILE *f = bb_file_open(&r->dir, "batches.csv");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot write batches.csv in %s", r->dir.tmp);
    fprintf(f, "config,%s,size_lo,size_hi,batches,fraction\n", param_header);
    for (int i = 0; i < r->n; i++) {
        uint64_t total = 0;
        int top = -1;
        for (int k = 0; k < BB_BATCH_BUCKETS; k++) {
            total += r->sizes[i][k];
            if (r->sizes[i][k])
                top = k;
        }
        for (int k = 0; k <= top; k++) {
            char fr[32];
            bb_fmt_double(fr, sizeof fr, (double)r->sizes[i][k] / (double)total, 6);
            fprintf(f, "%d,", i);
            write_params(f, &cs[i]);
            fprintf(f, ",%llu,%llu,%llu,%s\n", 1ull << k, (2ull << k) - 1,
                    (unsigned long long)r->sizes[i][k], fr);
        }
    }
    if (bb_file_close(f, &r->dir, "batches.csv"))
        return bb_fail(err, BB_ESYS, "writing batches.csv failed");
    return BB_OK;
}

static void summary_of(const bb_report *r, int i, bb_summary *s)
{
    double x[1000];
    unsigned n = r->reps < 1000 ? r->reps : 1000;
    for (unsigned rep = 0; rep < n; rep++)
        x[rep] = r->res[(size_t)rep * (size_t)r->n + (size_t)i].mops;
    bb_summarize(x, n, s);
}

static int write_summary(bb_report *r, const bb_config *cs, bb_err *err)
{
    FILE *f = bb_file_open(&r->dir, "summary.csv");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot write summary.csv in %s", r->dir.tmp);
    fprintf(f, "%s,reps,throughput_median_mops,throughput_mean_mops,throughput_min_mops,"
               "throughput_max_mops,throughput_ci95_mops,throughput_cv,cv_over_5pct,"
               "oversubscribed\n",
            param_header);
    for (int i = 0; i < r->n; i++) {
        bb_summary s;
        summary_of(r, i, &s);
        char b[6][32];
        bb_fmt_double(b[0], 32, s.median, 4);
        bb_fmt_double(b[1], 32, s.mean, 4);
        bb_fmt_double(b[2], 32, s.min, 4);
        bb_fmt_double(b[3], 32, s.max, 4);
        bb_fmt_double(b[4], 32, s.ci95, 4);
        bb_fmt_double(b[5], 32, s.cv, 4);
        write_params(f, &cs[i]);
        if (r->reps < 2) /* one measurement says nothing about its spread */
            fprintf(f, ",%u,%s,%s,%s,%s,-,-,-,%d\n", r->reps, b[0], b[1], b[2], b[3],
                    r->res[i].oversubscribed);
        else
            fprintf(f, ",%u,%s,%s,%s,%s,%s,%s,%d,%d\n", r->reps, b[0], b[1], b[2], b[3], b[4],
                    b[5], s.cv > 0.05, r->res[i].oversubscribed);
    }
    if (bb_file_close(f, &r->dir, "summary.csv"))
        return bb_fail(err, BB_ESYS, "writing summary.csv failed");
    return BB_OK;
}

int bb_report_finish(bb_report *r, const bb_config *cs, const bb_topo *topo, bb_err *err)
{
    int rc;
    if ((rc = write_results(r, cs, err)) || (rc = write_summary(r, cs, err)) ||
        (rc = write_latency(r, cs, err)) || (rc = write_batches(r, cs, err)))
        return rc;
    FILE *f = bb_file_open(&r->dir, "meta.json");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot write meta.json in %s", r->dir.tmp);
    bb_meta_write(f, r, cs, topo);
    if (bb_file_close(f, &r->dir, "meta.json"))
        return bb_fail(err, BB_ESYS, "writing meta.json failed");
    return bb_outdir_commit(&r->dir, err);
}

/* A configuration's name for the table: variant[/queue/launch], then every
 * other parameter that differs between the sweep's configurations. */
static void config_name(const bb_config *cs, int n, int i, char *buf, size_t len)
{
    const bb_config *c = &cs[i];
    int vwait = 0, vmix = 0, vpin = 0, vseed = 0, vstruct = 0, vrate = 0;
    for (int k = 1; k < n; k++) {
        vrate |= cs[k].rate != cs[0].rate;
        vwait |= cs[k].q && cs[0].q && cs[k].wait != cs[0].wait;
        vmix |= strcmp(cs[k].mix_text, cs[0].mix_text) != 0;
        vpin |= strcmp(cs[k].pin_text, cs[0].pin_text) != 0;
        vseed |= cs[k].seed != cs[0].seed;
        vstruct |= cs[k].w != cs[0].w;
    }
    size_t off = 0;
    if (vstruct)
        off += (size_t)snprintf(buf + off, len - off, "%s:", c->w->name);
    off += (size_t)snprintf(buf + off, len - off, "%s", c->v->name);
    if (c->q && off < len)
        off += (size_t)snprintf(buf + off, len - off, "/%s/%s", c->queue_text, c->launch_text);
    if (c->q && vwait && off < len)
        off += (size_t)snprintf(buf + off, len - off, "/%s", bb_wait_policy_name(c->wait));
    if (vmix && off < len)
        off += (size_t)snprintf(buf + off, len - off, " mix=%s", c->mix_text);
    if (vpin && off < len)
        off += (size_t)snprintf(buf + off, len - off, " pin=%s", c->pin_text);
    if (vseed && off < len)
        off += (size_t)snprintf(buf + off, len - off, " seed=%llu", (unsigned long long)c->seed);
    if ((vrate || c->rate > 0) && off < len) {
        if (c->rate > 0)
            snprintf(buf + off, len - off, " rate=%g", c->rate);
        else
            snprintf(buf + off, len - off, " closed");
    }
}

void bb_report_print_table(const bb_report *r, const bb_config *cs, FILE *f)
{
    char name[BB_TEXT * 4];
    int w = 13;
    for (int i = 0; i < r->n; i++) {
        config_name(cs, r->n, i, name, sizeof name);
        if ((int)strlen(name) > w)
            w = (int)strlen(name);
    }
    fprintf(f, "%-*s %7s %5s %5s %10s %10s %10s\n", w, "configuration", "threads", "depth",
            "work", "median", "min", "max");
    for (int i = 0; i < r->n; i++) {
        bb_summary s;
        summary_of(r, i, &s);
        config_name(cs, r->n, i, name, sizeof name);
        /* open loop: say so when the asked rate was not reached in some repetition */
        char miss[96] = "";
        for (unsigned rep = 0; rep < r->reps && cs[i].rate > 0; rep++) {
            const bb_result *x = &r->res[(size_t)rep * (size_t)r->n + (size_t)i];
            if (x->seconds > 0 && x->mops * 1e6 < 0.95 * cs[i].rate) {
                snprintf(miss, sizeof miss, "  (rate not met: %.0f%%, backlog %llu)",
                         100.0 * x->mops * 1e6 / cs[i].rate, (unsigned long long)x->backlog);
                break;
            }
        }
        fprintf(f, "%-*s %7u %5u %5llu %10.3f %10.3f %10.3f%s%s\n", w, name, cs[i].threads,
                cs[i].depth, (unsigned long long)cs[i].work, s.median, s.min, s.max,
                r->res[i].oversubscribed ? "  (oversubscribed)" : "", miss);
    }
    fprintf(f, "(throughput in Mops/s over %u repetition%s)\n", r->reps, r->reps == 1 ? "" : "s");
}

/* plot.c - `batchbench plot DIR`: draws every plot the folder's data
 * supports, each from a gnuplot script in plots/:
 *   throughput          summary.csv: throughput against threads
 *   latency             latency.csv: percentile spectrum, x = 1/(1-p) (log)
 *   batches             batches.csv: batch-size distribution (log2 buckets)
 *   throughput-latency  results.csv, open-loop rows: p99 against achieved rate
 * Rows are grouped into series by the parameters that vary (other than the
 * x parameter); repetitions of a point are merged by their median. The data
 * goes to DIR/NAME.dat, the plots to DIR/NAME.png and DIR/NAME.svg (each
 * written under a temporary name first). */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

typedef struct plot_spec {
    const char *name;     /* output base name and script name */
    const char *csv;      /* input file */
    const char *p0, *p1;  /* parameter columns: [p0, p1) */
    const char *group;    /* points: rows with equal key and group merge */
    const char *x;        /* x column */
    const char *y[3];     /* y columns (NULL-terminated) */
    double xscale, yscale;
    const char *filter_col, *filter_val; /* keep only rows with this value */
    int positive_only;    /* drop points with y <= 0 (log axis: a p0 of 0 ns) */
} plot_spec;

static const plot_spec specs[] = {
    {"throughput", "summary.csv", "structure", "reps", "threads", "threads",
     {"throughput_median_mops", "throughput_min_mops", "throughput_max_mops"}, 1, 1, NULL, NULL, 0},
    {"latency", "latency.csv", "structure", "percentile", "percentile", "inv_one_minus_p",
     {"value_ns", NULL}, 1, 1e-3, NULL, NULL, 1},
    {"batches", "batches.csv", "structure", "size_lo", "size_lo", "size_lo", {"fraction", NULL}, 1,
     1, NULL, NULL, 0},
    {"throughput-latency", "results.csv", "structure", "rep", "rate_target", "rate_achieved_ops_s",
     {"lat_p99_ns", NULL}, 1e-6, 1e-3, "load", "open", 0},
};

static const char *plots_dir(void)
{
    const char *e = getenv("BATCHBENCH_PLOTS");
    return e && *e ? e : BB_PLOTS_DIR;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int name_col(const char *h)
{
    return !strcmp(h, "structure") || !strcmp(h, "variant") || !strcmp(h, "queue") ||
           !strcmp(h, "launch") || !strcmp(h, "wait") || !strcmp(h, "load");
}

/* Is parameter k part of the series key? (not the group, not the x) */
static int in_key(const bb_csv *c, const plot_spec *ps, int k)
{
    return strcmp(c->cell[0][k], ps->group) && strcmp(c->cell[0][k], ps->x);
}

static int same_key(const bb_csv *c, const plot_spec *ps, int p0, int p1, int a, int b)
{
    for (int k = p0; k < p1; k++)
        if (in_key(c, ps, k) && strcmp(c->cell[a][k], c->cell[b][k]))
            return 0;
    return 1;
}

/* Makes text safe inside a gnuplot double-quoted string: no quotes, no
 * backticks (command substitution!), no backslashes except our own "\n". */
static void clean(char *s)
{
    for (; *s; s++) {
        if (*s == '\\' && s[1] == 'n') {
            s++;
            continue;
        }
        if (*s == '"' || *s == '\\' || *s == '\'' || *s == '`' || *s == '$' || *s == '\n' ||
            *s == '\r')
            *s = '_';
    }
}

/* Writes DIR/NAME.dat; returns the number of series (0: nothing to plot). */
static int write_dat(const char *dir, const plot_spec *ps, const bb_csv *c, int *keep,
                     char *subtitle, size_t sublen, double *ymin, double *ymax, double *xmin,
                     double *xmax, bb_err *err)
{
    int p0 = bb_csv_col(c, ps->p0), p1 = bb_csv_col(c, ps->p1), gx = bb_csv_col(c, ps->x);
    int gy[3], ny = 0, gg = bb_csv_col(c, ps->group);
    for (; ny < 3 && ps->y[ny]; ny++)
        gy[ny] = bb_csv_col(c, ps->y[ny]);
    int rows = c->rows - 1;
    if (p0 < 0 || p1 < 0 || gx < 0 || gg < 0 || rows < 1)
        return 0;
    for (int i = 0; i < ny; i++)
        if (gy[i] < 0)
            return 0;
    int first = -1;
    for (int r = 1; r <= rows; r++)
        if (keep[r] && first < 0)
            first = r;
    if (first < 0)
        return 0;
    int vary[128] = {0};
    for (int k = p0; k < p1 && k < 128; k++)
        for (int r = 1; r <= rows; r++)
            if (keep[r] && strcmp(c->cell[r][k], c->cell[first][k])) {
                vary[k] = 1;
                break;
            }
    size_t so = 0, line_start = 0;
    subtitle[0] = 0;
    for (int k = p0; k < p1 && k < 128; k++) {
        const char *h = c->cell[0][k];
        if (vary[k] || !in_key(c, ps, k) || !strcmp(c->cell[first][k], "-") ||
            (!strcmp(h, "ops_target") && !strcmp(c->cell[first][k], "0")) ||
            (!strcmp(h, "rate_target") && !strcmp(c->cell[first][k], "0")))
            continue;
        /* wrap long subtitles: gnuplot centres the title and cuts what overflows */
        const char *sep = !so ? "" : (so - line_start > 90) ? "\\n" : "  ";
        if (so && so - line_start > 90)
            line_start = so + 2;
        so += (size_t)snprintf(subtitle + so, so < sublen ? sublen - so : 0, "%s%s=%s", sep, h,
                               c->cell[first][k]);
    }
    clean(subtitle);

    char dat[1200], tdat[1300];
    snprintf(dat, sizeof dat, "%s/%s.dat", dir, ps->name);
    snprintf(tdat, sizeof tdat, "%s.part", dat);
    FILE *f = fopen(tdat, "w");
    int *done = calloc((size_t)rows + 1, sizeof(int));
    double *xs = malloc(sizeof(double) * (size_t)(rows + 1));
    double *ys = malloc(sizeof(double) * (size_t)(rows + 1) * 3);
    int nseries = 0;
    if (!f || !done || !xs || !ys) {
        if (f)
            fclose(f);
        free(done);
        free(xs);
        free(ys);
        return -bb_fail(err, BB_ESYS, "cannot write %s", tdat);
    }
    *ymin = INFINITY, *ymax = 0, *xmin = INFINITY, *xmax = 0;
    for (int r = 1; r <= rows; r++) {
        if (!keep[r] || done[r])
            continue;
        char title[512] = "";
        size_t to = 0;
        for (int k = p0; k < p1 && k < 128; k++) {
            if (!vary[k] || !in_key(c, ps, k))
                continue;
            const char *h = c->cell[0][k], *v = c->cell[r][k];
            if (name_col(h)) {
                if (strcmp(v, "-"))
                    to += (size_t)snprintf(title + to, to < sizeof title ? sizeof title - to : 0,
                                           "%s%s", to ? "/" : "", v);
            } else {
                to += (size_t)snprintf(title + to, to < sizeof title ? sizeof title - to : 0,
                                       "%s%s=%s", to ? " " : "", h, v);
            }
        }
        clean(title);
        fprintf(f, "%s\"%s\" x y\n", nseries ? "\n\n" : "", to ? title : "all");
        /* points of this series in increasing group value, repetitions merged */
        for (;;) {
            int best = -1;
            double bg = 0;
            for (int q = r; q <= rows; q++) {
                if (!keep[q] || done[q] || !same_key(c, ps, p0, p1, r, q))
                    continue;
                double g = atof(c->cell[q][gg]);
                if (best < 0 || g < bg)
                    best = q, bg = g;
            }
            if (best < 0)
                break;
            int n = 0;
            for (int q = best; q <= rows; q++) {
                if (!keep[q] || done[q] || !same_key(c, ps, p0, p1, r, q) ||
                    strcmp(c->cell[q][gg], c->cell[best][gg]))
                    continue;
                done[q] = 1;
                xs[n] = atof(c->cell[q][gx]) * ps->xscale;
                for (int i = 0; i < ny; i++)
                    ys[i * (rows + 1) + n] = atof(c->cell[q][gy[i]]) * ps->yscale;
                n++;
            }
            double x = median(xs, n);
            if (ps->positive_only && !(median(ys, n) > 0))
                continue;
            fprintf(f, "%.6g", x);
            if (x < *xmin)
                *xmin = x;
            if (x > *xmax)
                *xmax = x;
            for (int i = 0; i < ny; i++) {
                double y = median(ys + i * (rows + 1), n);
                fprintf(f, " %.6g", y);
                if (y < *ymin)
                    *ymin = y;
                if (y > *ymax)
                    *ymax = y;
            }
            fputc('\n', f);
        }
        nseries++;
    }
    free(done);
    free(xs);
    free(ys);
    if (fclose(f) || rename(tdat, dat))
        return -bb_fail(err, BB_ESYS, "cannot write %s", dat);
    return nseries;
}

/* A gnuplot single-quoted string has no escapes except '' for a quote. */
static void gp_quote(char *out, size_t len, const char *in)
{
    size_t o = 0;
    for (; *in && o + 2 < len; in++) {
        if (*in == '\'')
            out[o++] = '\'';
        out[o++] = *in;
    }
    out[o] = 0;
}

static int run_gnuplot(const char *dir, const plot_spec *ps, int nseries, const char *subtitle,
                       double ymin, double ymax, double xmin, double xmax, bb_err *err)
{
    char dat[1200], png[1200], svg[1200], tpng[1300], tsvg[1300], script[1200];
    snprintf(dat, sizeof dat, "%s/%s.dat", dir, ps->name);
    snprintf(png, sizeof png, "%s/%s.png", dir, ps->name);
    snprintf(svg, sizeof svg, "%s/%s.svg", dir, ps->name);
    snprintf(tpng, sizeof tpng, "%s/.%s.png.part", dir, ps->name);
    snprintf(tsvg, sizeof tsvg, "%s/.%s.svg.part", dir, ps->name);
    snprintf(script, sizeof script, "%s/%s.gp", plots_dir(), ps->name);
    if (access(script, R_OK))
        return bb_fail(err, BB_ESYS, "cannot read %s (set BATCHBENCH_PLOTS to the plots/ folder)",
                       script);
    if (!(xmax > 0))
        xmin = 0.5, xmax = 2;
    if (!(ymax > 0))
        ymin = 0, ymax = 1;
    if (!(xmin > 0) || xmin == xmax)
        xmin = xmax / 2;
    /* paths go into gnuplot single-quoted strings: double any quote in them */
    char q_pdir[2400], q_dat[2400], q_png[2600], q_svg[2600];
    gp_quote(q_pdir, sizeof q_pdir, plots_dir());
    gp_quote(q_dat, sizeof q_dat, dat);
    gp_quote(q_png, sizeof q_png, tpng);
    gp_quote(q_svg, sizeof q_svg, tsvg);
    char *e = NULL;
    /* explicit ranges: a single point or all-zero data would otherwise give
     * gnuplot an empty range */
    if (asprintf(&e, "pdir='%s'; datafile='%s'; nseries=%d; outpng='%s'; outsvg='%s'; "
                     "subtitle=\"%s\"; xmin=%g; xmax=%g; ymin=%g; ymax=%g; logy=%d",
                 q_pdir, q_dat, nseries, q_png, q_svg, subtitle, xmin / 1.3, xmax * 1.3,
                 ymin > 0 ? ymin / 1.5 : 0, ymax * 1.5, ymin > 0) < 0)
        return bb_fail(err, BB_ENOMEM, "out of memory");
    pid_t pid = fork();
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", "-e", e, script, (char *)NULL);
        _exit(127);
    }
    free(e);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
        unlink(tpng);
        unlink(tsvg);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
            return bb_fail(err, BB_ESYS, "cannot run gnuplot (apt-get install gnuplot-nox)");
        if (pid < 0)
            return bb_fail(err, BB_ESYS, "cannot start gnuplot (fork failed)");
        return bb_fail(err, BB_ESYS, "gnuplot failed on %s (exit status %d)", script,
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    if (rename(tpng, png) || rename(tsvg, svg))
        return bb_fail(err, BB_ESYS, "cannot rename the plot files in %s", dir);
    return BB_OK;
}

int bb_plot_dir(const char *dir, char drawn[][32], int *ndrawn, bb_err *err)
{
    *ndrawn = 0;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        const plot_spec *ps = &specs[i];
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, ps->csv);
        if (access(path, R_OK)) {
            if (i == 0)
                return bb_fail(err, BB_EINVAL, "%s is missing", path);
            continue; /* an older folder, or no such data: nothing to draw */
        }
        bb_csv c;
        int rc = bb_csv_read(path, &c, err);
        if (rc)
            return rc;
        int *keep = calloc((size_t)c.rows + 1, sizeof(int));
        int fc = ps->filter_col ? bb_csv_col(&c, ps->filter_col) : -1;
        for (int r = 1; keep && r < c.rows; r++)
            keep[r] = !ps->filter_col || (fc >= 0 && !strcmp(c.cell[r][fc], ps->filter_val));
        char subtitle[1024];
        double ymin = 0, ymax = 0, xmin = 0, xmax = 0;
        int n = keep ? write_dat(dir, ps, &c, keep, subtitle, sizeof subtitle, &ymin, &ymax,
                                 &xmin, &xmax, err)
                     : -bb_fail(err, BB_ENOMEM, "out of memory");
        free(keep);
        bb_csv_free(&c);
        if (n < 0)
            return -n;
        if (n == 0) {
            if (i == 0)
                return bb_fail(err, BB_EINVAL, "%s has no rows or is not a batchbench summary",
                               path);
            continue;
        }
        if ((rc = run_gnuplot(dir, ps, n, subtitle, ymin, ymax, xmin, xmax, err)))
            return rc;
        snprintf(drawn[(*ndrawn)++], 32, "%s", ps->name);
    }
    return BB_OK;
}

int bb_plot_main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: batchbench plot DIR\n  draws every plot DIR's data supports (throughput, "
               "latency, batches,\n  throughput-latency) as DIR/NAME.png and DIR/NAME.svg "
               "(needs gnuplot)\n");
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "batchbench plot: expected one results folder, e.g. `batchbench plot "
                        "results/20261203T120000Z-demo`\n");
        return 2;
    }
    char p[1200];
    snprintf(p, sizeof p, "%s/summary.csv", argv[1]);
    if (access(p, R_OK)) {
        fprintf(stderr, "batchbench plot: DIR: '%s' has no readable summary.csv (give a folder "
                        "written by run or sweep)\n", argv[1]);
        return 2;
    }
    bb_err err;
    char drawn[8][32];
    int n;
    if (bb_plot_dir(argv[1], drawn, &n, &err)) {
        fprintf(stderr, "batchbench plot: %s\n", err.msg);
        return 1;
    }
    for (int i = 0; i < n; i++)
        printf("%s %s/%s.png and .svg\n", i ? "     " : "wrote", argv[1], drawn[i]);
    return 0;
}

/* plot.c - `batchbench plot DIR`: turns DIR/summary.csv into gnuplot data
 * (one series per combination of the parameters other than threads) and runs
 * plots/throughput.gp, writing DIR/throughput.png and DIR/throughput.svg
 * (each under a temporary name first). */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *plots_dir(void)
{
    const char *e = getenv("BATCHBENCH_PLOTS");
    return e && *e ? e : BB_PLOTS_DIR;
}

static int series_key(const bb_csv *c, int row, int nparams, int thr, char *buf, size_t len)
{
    size_t off = 0;
    for (int k = 0; k < nparams; k++)
        if (k != thr)
            off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s\x1f",
                                    c->cell[row][k]);
    return off < len ? 0 : -1;
}

static int name_col(const char *h)
{
    return !strcmp(h, "structure") || !strcmp(h, "variant") || !strcmp(h, "queue") ||
           !strcmp(h, "launch") || !strcmp(h, "wait");
}

int bb_plot_dir(const char *dir, bb_err *err)
{
    char path[1200], dat[1200], png[1200], svg[1200], tpng[1300], tsvg[1300], script[1200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    bb_csv c;
    int rc = bb_csv_read(path, &c, err);
    if (rc)
        return rc;
    int nparams = bb_csv_col(&c, "reps"), thr = bb_csv_col(&c, "threads");
    int med = bb_csv_col(&c, "throughput_median_mops"), mn = bb_csv_col(&c, "throughput_min_mops"),
        mx = bb_csv_col(&c, "throughput_max_mops");
    if (nparams < 0 || thr < 0 || med < 0 || mn < 0 || mx < 0 || c.rows < 2) {
        bb_csv_free(&c);
        return bb_fail(err, BB_EINVAL, "%s has no rows or is not a batchbench summary", path);
    }
    int rows = c.rows - 1;
    /* which parameters vary (they name the series), which are constant (subtitle) */
    int vary[64] = {0};
    for (int k = 0; k < nparams && k < 64; k++)
        for (int r = 2; r <= rows; r++)
            if (strcmp(c.cell[r][k], c.cell[1][k])) {
                vary[k] = 1;
                break;
            }
    char subtitle[1024] = "";
    size_t so = 0;
    for (int k = 0; k < nparams && k < 64; k++)
        if (!vary[k] && k != thr && strcmp(c.cell[1][k], "-") && so < sizeof subtitle &&
            strcmp(c.cell[0][k], "mode") && strcmp(c.cell[0][k], "ops_target") &&
            strcmp(c.cell[0][k], "warmup_s") && strcmp(c.cell[0][k], "seed"))
            so += (size_t)snprintf(subtitle + so, sizeof subtitle - so, "%s%s=%s",
                                   so ? "  " : "", c.cell[0][k], c.cell[1][k]);
    for (char *p = subtitle; *p; p++)
        if (*p == '"' || *p == '\\')
            *p = '\'';

    snprintf(dat, sizeof dat, "%s/throughput.dat", dir);
    char tdat[1300];
    snprintf(tdat, sizeof tdat, "%s.part", dat);
    FILE *f = fopen(tdat, "w");
    if (!f) {
        bb_csv_free(&c);
        return bb_fail(err, BB_ESYS, "cannot write %s", tdat);
    }
    int *done = calloc((size_t)rows + 1, sizeof(int));
    int nseries = 0, logy = 1;
    long xmin = 0, xmax = 0;
    double ymax = 0;
    char key[4096], key2[4096];
    for (int r = 1; done && r <= rows; r++) {
        if (done[r])
            continue;
        series_key(&c, r, nparams, thr, key, sizeof key);
        char title[512] = "";
        size_t to = 0;
        for (int k = 0; k < nparams && k < 64; k++) {
            if (!vary[k] || k == thr)
                continue;
            if (name_col(c.cell[0][k])) {
                if (strcmp(c.cell[r][k], "-"))
                    to += (size_t)snprintf(title + to, to < sizeof title ? sizeof title - to : 0,
                                           "%s%s", to ? "/" : "", c.cell[r][k]);
            } else {
                to += (size_t)snprintf(title + to, to < sizeof title ? sizeof title - to : 0,
                                       "%s%s=%s", to ? " " : "", c.cell[0][k], c.cell[r][k]);
            }
        }
        for (char *p = title; *p; p++)
            if (*p == '"')
                *p = '\'';
        fprintf(f, "%s\"%s\" median min max\n", nseries ? "\n\n" : "", to ? title : "all");
        /* rows of this series, sorted by threads */
        for (;;) {
            int best = -1;
            long bt = 0;
            for (int q = r; q <= rows; q++) {
                if (done[q])
                    continue;
                series_key(&c, q, nparams, thr, key2, sizeof key2);
                long t = atol(c.cell[q][thr]);
                if (!strcmp(key, key2) && (best < 0 || t < bt))
                    best = q, bt = t;
            }
            if (best < 0)
                break;
            done[best] = 1;
            double v = atof(c.cell[best][mn]), hi = atof(c.cell[best][mx]);
            if (!(v > 0))
                logy = 0;
            if (hi > ymax)
                ymax = hi;
            if (!xmin || bt < xmin)
                xmin = bt;
            if (bt > xmax)
                xmax = bt;
            fprintf(f, "%ld %s %s %s\n", bt, c.cell[best][med], c.cell[best][mn],
                    c.cell[best][mx]);
        }
        nseries++;
    }
    free(done);
    bb_csv_free(&c);
    if (fclose(f) || rename(tdat, dat))
        return bb_fail(err, BB_ESYS, "cannot write %s", dat);

    snprintf(png, sizeof png, "%s/throughput.png", dir);
    snprintf(svg, sizeof svg, "%s/throughput.svg", dir);
    snprintf(tpng, sizeof tpng, "%s/.throughput.png.part", dir);
    snprintf(tsvg, sizeof tsvg, "%s/.throughput.svg.part", dir);
    snprintf(script, sizeof script, "%s/throughput.gp", plots_dir());
    if (access(script, R_OK))
        return bb_fail(err, BB_ESYS, "cannot read %s (set BATCHBENCH_PLOTS to the plots/ folder)",
                       script);
    char *e = NULL;
    /* explicit ranges: a single thread count or all-zero throughput would
     * otherwise give gnuplot an empty range */
    if (asprintf(&e, "datafile='%s'; nseries=%d; outpng='%s'; outsvg='%s'; logy=%d; "
                     "subtitle=\"%s\"; xmin=%g; xmax=%g; ymax=%g",
                 dat, nseries, tpng, tsvg, logy, subtitle, (double)(xmin ? xmin : 1) / 1.3,
                 (double)(xmax ? xmax : 1) * 1.3, ymax > 0 ? ymax : 1.0) < 0)
        return bb_fail(err, BB_ENOMEM, "out of memory");
    pid_t pid = fork();
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", "-e", e, script, (char *)NULL);
        fprintf(stderr, "batchbench: plot: cannot run gnuplot (install it: apt-get install "
                        "gnuplot-nox)\n");
        _exit(127);
    }
    free(e);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
        unlink(tpng);
        unlink(tsvg);
        return bb_fail(err, BB_ESYS, "gnuplot failed on %s (exit status %d)", script,
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    if (rename(tpng, png) || rename(tsvg, svg))
        return bb_fail(err, BB_ESYS, "cannot rename the plot files in %s", dir);
    return BB_OK;
}

int bb_plot_main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: batchbench plot DIR\n  draws DIR/throughput.png and DIR/throughput.svg "
               "from DIR/summary.csv (needs gnuplot)\n");
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
    if (bb_plot_dir(argv[1], &err)) {
        fprintf(stderr, "batchbench plot: %s\n", err.msg);
        return 1;
    }
    printf("wrote %s/throughput.png\n      %s/throughput.svg\n", argv[1], argv[1]);
    return 0;
}

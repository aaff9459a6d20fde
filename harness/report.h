/* report.h - collects the results of a sweep and writes results.csv,
 * summary.csv and meta.json into a fresh results folder. */
#ifndef BB_REPORT_H
#define BB_REPORT_H

#include "harness.h"

typedef struct bb_report {
    bb_outdir dir;
    int n;            /* configurations */
    unsigned reps;
    bb_result *res;   /* [rep * n + config] */
    bb_hist **hist;   /* per configuration: latency merged over repetitions */
    uint64_t (*sizes)[BB_BATCH_BUCKETS]; /* per configuration: batch sizes, all repetitions */
    int argc;
    char **argv;
    char started[32]; /* UTC ISO 8601 */
} bb_report;

int bb_report_begin(bb_report *r, const char *parent, const char *label, int n, unsigned reps,
                    int argc, char **argv, bb_err *err);
void bb_report_add(bb_report *r, int config, unsigned rep, const bb_result *res);
int bb_report_finish(bb_report *r, const bb_config *cs, const bb_topo *topo, bb_err *err);
void bb_report_abort(bb_report *r);
void bb_report_free(bb_report *r);
void bb_report_print_table(const bb_report *r, const bb_config *cs, FILE *f);

/* Summary statistics of one configuration's repetitions. */
typedef struct bb_summary {
    double median, mean, min, max, ci95, cv;
} bb_summary;
void bb_summarize(const double *x, unsigned n, bb_summary *s);

/* meta.c */
void bb_utc_now(char *buf, size_t len);
int bb_meta_write(FILE *f, const bb_report *r, const bb_config *cs, const bb_topo *topo);

#endif

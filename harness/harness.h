/* harness.h - internal interfaces of the batchbench command. */
#ifndef BB_HARNESS_H
#define BB_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "core/batcher.h"
#include "core/hist.h"
#include "core/topo.h"
#include "strategies/registry.h"
#include "workloads/mix.h"
#include "workloads/workload.h"

#define BB_TEXT 160

/* One fully resolved configuration. */
typedef struct bb_config {
    const bb_workload *w;
    const bb_variant *v;
    const bb_queue_vtable *q;     /* NULL for direct variants */
    const bb_launch_vtable *l;    /* NULL for direct variants */
    char queue_text[BB_TEXT];     /* canonical spec, "-" when not applicable */
    char launch_text[BB_TEXT];
    bb_wait_policy wait;
    unsigned threads, depth;
    uint64_t work;
    char mix_text[BB_TEXT];
    bb_mix mix;
    char pin_text[BB_TEXT];
    bb_pin_spec pin;
    uint64_t seed;
    int by_ops;                   /* 1: --ops N, 0: --duration */
    double duration, warmup;
    uint64_t ops;
    double rate;                  /* open loop: total ops/s over all threads; 0 = closed loop */
    int poisson;                  /* open loop arrivals: 0 fixed intervals, 1 Poisson */
} bb_config;

typedef struct bb_result {
    uint64_t ops;
    double seconds, mops;
    uint64_t lat_p50, lat_p90, lat_p99, lat_p999, lat_p9999, lat_max;
    uint64_t lat_overflow; /* latencies beyond the histogram's range (clamped) */
    uint64_t batches, max_batch;
    double mean_batch;
    int oversubscribed;
    uint64_t flush_size, flush_deadline; /* timeout launch, in the window */
    int server_pu, server_shares_pu;     /* dedicated launch: its server's PU */
    uint64_t backlog;                    /* open loop: ops due in the window but not started */
    double fairness_cv;                  /* stddev/mean of the threads' op counts */
    double alloc_per_op;                 /* heap bytes allocated per op by the clients; <0: n/a */
    int64_t ds_bytes;                    /* net heap bytes of the structure after creation; <0 n/a */
    double queue_wait_ns, batch_run_ns;  /* per op, means */
    uint64_t size_hist[BB_BATCH_BUCKETS];/* batch sizes in the window, log2 buckets */
    int *pu_plan, *pu_seen; /* per thread, malloc'd */
    uint64_t *thread_ops;   /* per thread, malloc'd */
    bb_hist *hist;          /* merged latency histogram, malloc'd */
} bb_result;

/* runner.c: runs one configuration (one repetition). Returns BB_OK, or
 * BB_ECHECK when the structure's check failed, or another error. */
int bb_run_config(const bb_config *c, unsigned rep, const bb_topo *topo, bb_result *r,
                  bb_err *err);
void bb_result_free(bb_result *r);

/* alloc.c: the calling thread's jemalloc counters (UINT64_MAX: unavailable). */
uint64_t bb_thread_allocated(void);
uint64_t bb_thread_deallocated(void);

/* cli.c: the option set shared by run and sweep, as lists of strings. */
#define BB_MAXV 32
typedef struct bb_strlist {
    int n;
    char v[BB_MAXV][BB_TEXT];
} bb_strlist;

typedef struct bb_cli {
    int sweep; /* 1: lists allowed */
    bb_strlist structure, variant, queue, launch, wait, threads, depth, work, mix, pin, seed, rate;
    char arrivals[BB_TEXT];
    char duration[BB_TEXT], ops[BB_TEXT], warmup[BB_TEXT], reps[BB_TEXT];
    char out[BB_TEXT * 4], label[65];
    char experiment[BB_TEXT]; /* a named preset of option lists */
    int plot;      /* draw plots after the sweep */
    int quiet;
} bb_cli;

/* Parses argv (after the subcommand). Returns 0, or 2 after printing the one
 * error line (exit code 2), or 1 for --help printed (exit 0). */
int bb_cli_parse(int argc, char **argv, bb_cli *cli, const char *cmd);
/* sweep.c: expands, validates, runs, writes. Returns the process exit code. */
int bb_sweep_main(const bb_cli *cli, int argc, char **argv);
/* plot.c */
/* Draws every plot the folder's data supports; names of the drawn plots. */
int bb_plot_dir(const char *dir, char drawn[][32], int *ndrawn, bb_err *err);
int bb_plot_main(int argc, char **argv);
/* meta.c */
void bb_meta_write_build(FILE *f);

/* csv.c */
void bb_csv_field(FILE *f, const char *s); /* quoted when needed */
typedef struct bb_csv {
    int rows, cols;
    char ***cell; /* cell[row][col]; row 0 = header */
} bb_csv;
int bb_csv_read(const char *path, bb_csv *out, bb_err *err);
void bb_csv_free(bb_csv *c);
int bb_csv_col(const bb_csv *c, const char *name);

/* results.c: the output folder and writers. */
typedef struct bb_outdir {
    char parent[1024];
    char tmp[1200];
    char final[1200];
} bb_outdir;
int bb_outdir_check(const char *parent, bb_err *err);
int bb_outdir_begin(bb_outdir *o, const char *parent, const char *label, bb_err *err);
int bb_outdir_commit(bb_outdir *o, bb_err *err);
void bb_outdir_abort(bb_outdir *o);
/* Opens tmp/<name>.part for writing; bb_file_close renames it to <name>. */
FILE *bb_file_open(const bb_outdir *o, const char *name);
int bb_file_close(FILE *f, const bb_outdir *o, const char *name);
void bb_json_str(FILE *f, const char *s);
/* Formats a double with '.' as separator whatever the locale; non-finite -> 0. */
void bb_fmt_double(char *buf, size_t len, double v, int prec);

#endif

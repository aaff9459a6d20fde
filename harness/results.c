/* results.c - the output folder: written under a hidden temporary name, then
 * renamed (never replacing anything) to <parent>/<UTC stamp>-<label>; each file
 * inside is written as NAME.part and renamed when complete. A failed run
 * removes its temporary folder, so no partial results are left behind. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static int mkdir_p(const char *path)
{
    char tmp[1024];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return -1;
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(tmp, 0777) && errno != EEXIST)
        return -1;
    return 0;
}

int bb_outdir_check(const char *parent, bb_err *err)
{
    struct stat st;
    if (stat(parent, &st) == 0 && !S_ISDIR(st.st_mode))
        return bb_fail(err, BB_EINVAL, "--out: '%s' is not a directory", parent);
    if (mkdir_p(parent) || stat(parent, &st) || access(parent, W_OK | X_OK))
        return bb_fail(err, BB_EINVAL, "--out: '%s' is not a writable directory (%s)", parent,
                       strerror(errno));
    return BB_OK;
}

/* Interrupted runs (SIGINT, SIGTERM, SIGHUP) remove their temporary folder:
 * the handler only unlinks the few names a run writes and rmdirs (all
 * async-signal-safe), then dies of the same signal. */
#define NPATHS 11
static char sig_paths[NPATHS][1300];

static void on_signal(int sig)
{
    for (int i = 0; i < NPATHS; i++)
        if (sig_paths[i][0])
            (i < NPATHS - 1 ? unlink : rmdir)(sig_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void arm_cleanup(const char *tmp)
{
    static const char *const names[NPATHS - 1] = {
        "results.csv", "summary.csv", "meta.json", "latency.csv", "batches.csv",
        "results.csv.part", "summary.csv.part", "meta.json.part", "latency.csv.part",
        "batches.csv.part"};
    for (int i = 0; i < NPATHS - 1; i++)
        snprintf(sig_paths[i], sizeof sig_paths[i], "%.1200s/%s", tmp, names[i]);
    snprintf(sig_paths[NPATHS - 1], sizeof sig_paths[NPATHS - 1], "%.1200s", tmp);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void disarm_cleanup(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    memset(sig_paths, 0, sizeof sig_paths);
}

int bb_outdir_begin(bb_outdir *o, const char *parent, const char *label, bb_err *err)
{
    memset(o, 0, sizeof *o);
    int rc = bb_outdir_check(parent, err);
    if (rc)
        return rc;
    snprintf(o->parent, sizeof o->parent, "%s", parent);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(o->final, sizeof o->final, "%s/%s-%s", parent, stamp, label);
    snprintf(o->tmp, sizeof o->tmp, "%s/.tmp-%s-%s-%ld", parent, stamp, label, (long)getpid());
    if (mkdir(o->tmp, 0777))
        return bb_fail(err, BB_EINVAL, "--out: cannot create %s: %s", o->tmp, strerror(errno));
    arm_cleanup(o->tmp);
    return BB_OK;
}

int bb_outdir_commit(bb_outdir *o, bb_err *err)
{
    char want[sizeof o->final];
    for (int i = 1; i < 1000; i++) {
        int len = i == 1 ? snprintf(want, sizeof want, "%s", o->final)
                         : snprintf(want, sizeof want, "%.1180s-%d", o->final, i);
        if (len < 0 || len >= (int)sizeof want)
            return bb_fail(err, BB_EINVAL, "--out: path too long");
        if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, want, RENAME_NOREPLACE) == 0) {
            disarm_cleanup();
            memcpy(o->final, want, sizeof want);
            return BB_OK;
        }
        if (errno != EEXIST && errno != ENOTEMPTY)
            return bb_fail(err, BB_ESYS, "cannot rename %s to %s: %s", o->tmp, want,
                           strerror(errno));
    }
    return bb_fail(err, BB_ESYS, "cannot find a free name for %s", o->final);
}

void bb_outdir_abort(bb_outdir *o)
{
    DIR *d = opendir(o->tmp);
    if (d) {
        struct dirent *e;
        char p[1600];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", o->tmp, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(o->tmp);
    disarm_cleanup();
}

FILE *bb_file_open(const bb_outdir *o, const char *name)
{
    char p[1600];
    snprintf(p, sizeof p, "%s/%s.part", o->tmp, name);
    return fopen(p, "w");
}

int bb_file_close(FILE *f, const bb_outdir *o, const char *name)
{
    char a[1600], b[1600];
    snprintf(a, sizeof a, "%s/%s.part", o->tmp, name);
    snprintf(b, sizeof b, "%s/%s", o->tmp, name);
    int bad = ferror(f);
    if (fclose(f) || bad || rename(a, b))
        return -1;
    return 0;
}

void bb_json_str(FILE *f, const char *s)
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

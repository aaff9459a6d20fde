/* CLI: bad input gets exit code 2 and exactly one line on stderr naming the
 * option, and leaves nothing in --out; --ops 0 and --duration 0 give valid
 * results (CSV parses, JSON parses, zero throughput, no nan/inf). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

typedef struct {
    int status;
    char out[65536];
    char err[8192];
} result;

static void drain_fd(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while ((r = read(fd, buf + n, cap - 1 - n)) > 0 && n + (size_t)r < cap - 1)
        n += (size_t)r;
    if (r > 0)
        n += (size_t)r;
    buf[n < cap ? n : cap - 1] = 0;
}

/* Runs batchbench with args (NULL-terminated), capturing stdout and stderr. */
static void run(result *res, const char *const *args)
{
    char *argv[64];
    int n = 0;
    argv[n++] = (char *)BB_BINARY;
    for (; args[n - 1] && n < 63; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    char of[] = "/tmp/bbcli-out-XXXXXX", ef[] = "/tmp/bbcli-err-XXXXXX";
    int ofd = mkstemp(of), efd = mkstemp(ef);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    drain_fd(ofd, res->out, sizeof res->out);
    drain_fd(efd, res->err, sizeof res->err);
    close(ofd);
    close(efd);
    unlink(of);
    unlink(ef);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

typedef struct {
    const char *opt;
    const char *args[8];
} bad_case;

static void test_bad_input(void **state)
{
    (void)state;
    char dir[] = "/tmp/bbcli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const bad_case cases[] = {
        {"--threads", {"run", "--threads", "0"}},
        {"--threads", {"run", "--threads", "-1"}},
        {"--threads", {"run", "--threads", "abc"}},
        {"--threads", {"sweep", "--threads", "1,,2"}},
        {"--threads", {"run", "--threads", "1,2"}},
        {"--threads", {"run", "--variant", "seq", "--threads", "2"}},
        {"--depth", {"run", "--depth", "0"}},
        {"--work", {"run", "--work", "x"}},
        {"--variant", {"run", "--variant", "nope"}},
        {"--structure", {"run", "--structure", "nope"}},
        {"--queue", {"run", "--queue", "nope"}},
        {"--queue", {"run", "--queue", "stack:x=1"}},
        {"--launch", {"run", "--launch", "nope"}},
        {"--launch", {"run", "--launch", "cas:batch_limit=-3"}},
        {"--launch", {"run", "--launch", "timeout:timeout_us=x"}},
        {"--launch", {"run", "--launch", "dedicated:spin_us=1:spin_us=2"}},
        {"--queue", {"run", "--queue", "ring:capacity=1"}},
        {"--threads", {"sweep", "--threads", "1,2,1"}},
        {"--launch", {"run", "--launch", "cas:batch_limit"}},
        {"--launch", {"run", "--launch", "cas:bogus=3"}},
        {"--wait", {"run", "--wait", "sleepy"}},
        {"--mix", {"run", "--mix", "get:10,bad:1"}},
        {"--mix", {"run", "--mix", "get:0,incr:0"}},
        {"--mix", {"run", "--mix", "get10"}},
        {"--duration", {"run", "--duration", "-1"}},
        {"--duration", {"run", "--duration", "nan"}},
        {"--duration", {"run", "--duration", "1", "--ops", "5"}},
        {"--ops", {"run", "--ops", "-5"}},
        {"--warmup", {"run", "--warmup", "inf"}},
        {"--reps", {"run", "--reps", "0"}},
        {"--pin", {"run", "--pin", "99999"}},
        {"--pin", {"run", "--pin", "sideways"}},
        {"--label", {"run", "--label", "a/b"}},
        {"--seed", {"run", "--seed", "x"}},
        {"--rate", {"run", "--rate", "-5"}},
        {"--rate", {"run", "--rate", "fast"}},
        {"--rate", {"run", "--rate", "1e5", "--ops", "10"}},
        {"--arrivals", {"run", "--arrivals", "bursty"}},
        {"--arrivals", {"run", "--arrivals", "poisson"}},
        {"--rate", {"sweep", "--rate", "100000,1e5"}},
        {"--bogus", {"run", "--bogus"}},
        {"--out", {"run", "--out", "/proc/version/x"}},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *args[16];
        int n = 0;
        for (; cases[i].args[n]; n++)
            args[n] = cases[i].args[n];
        if (strcmp(cases[i].opt, "--out")) {
            args[n++] = "--out";
            args[n++] = dir;
        }
        int timed = 0; /* cases that give --duration/--ops themselves */
        for (int k = 0; k < n; k++)
            timed |= !strcmp(args[k], "--duration") || !strcmp(args[k], "--ops");
        if (!timed) {
            args[n++] = "--duration";
            args[n++] = "0";
        }
        args[n] = NULL;
        result *r = malloc(sizeof *r);
        run(r, args);
        if (r->status != 2 || lines(r->err) != 1 || !strstr(r->err, cases[i].opt))
            print_error("case %u (%s): status %d, stderr: %s\n", i, cases[i].opt, r->status,
                        r->err);
        assert_int_equal(r->status, 2);
        assert_int_equal(lines(r->err), 1);
        assert_non_null(strstr(r->err, cases[i].opt));
        free(r);
    }
    assert_int_equal(count_entries(dir), 0); /* nothing written for bad input */
    rmdir(dir);
}

/* ---- tiny validators for the output files ---- */

static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p != '"')
        return NULL;
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && !*++p)
            return NULL;
    return *p == '"' ? p + 1 : NULL;
}

static const char *json_value(const char *p)
{
    p = json_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_string(json_ws(p));
                if (!p || *(p = json_ws(p)) != ':')
                    return NULL;
                p++;
            }
            if (!(p = json_value(p)))
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    if (*p == '"')
        return json_string(p);
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    char *end;
    strtod(p, &end);
    return end > p ? end : NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Splits one CSV line into fields (quotes handled); returns the count. */
static int csv_fields(const char *line, char f[][128], int max)
{
    int n = 0, q = 0;
    size_t k = 0;
    for (const char *p = line;; p++) {
        if (q) {
            if (*p == '"' && p[1] == '"')
                f[n][k++] = *p++;
            else if (*p == '"')
                q = 0;
            else if (!*p)
                return -1;
            else
                f[n][k++] = *p;
        } else if (*p == '"') {
            q = 1;
        } else if (*p == ',' || !*p || *p == '\n') {
            f[n][k] = 0;
            n++;
            k = 0;
            if (!*p || *p == '\n' || n == max)
                return n;
        } else {
            f[n][k++] = *p;
        }
        if (k >= 127)
            return -1;
    }
}

/* Checks a CSV file parses: consistent field counts, no nan/inf; returns
 * the number of data rows. */
static int check_csv_parses(const char *path)
{
    char *s = slurp(path);
    assert_non_null(s);
    assert_null(strstr(s, "nan"));
    assert_null(strstr(s, "inf"));
    static char f[64][128];
    char *line = s, *nl = strchr(line, '\n');
    assert_non_null(nl);
    int cols = csv_fields(line, f, 64), rows = 0;
    assert_true(cols > 5);
    for (line = nl + 1; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert_non_null(nl);
        assert_int_equal(csv_fields(line, f, 64), cols);
        rows++;
    }
    free(s);
    return rows;
}

/* Checks a CSV file: consistent field counts, no nan/inf, and column `col`
 * equal to `expect` in every row. */
static void check_csv_col(const char *path, const char *zero_col, double expect)
{
    char *s = slurp(path);
    assert_non_null(s);
    assert_null(strstr(s, "nan"));
    assert_null(strstr(s, "inf"));
    static char hdr[64][128], row[64][128];
    char *line = s, *nl = strchr(line, '\n');
    assert_non_null(nl);
    int cols = csv_fields(line, hdr, 64), zc = -1, rows = 0;
    assert_true(cols > 10);
    for (int i = 0; i < cols; i++)
        if (!strcmp(hdr[i], zero_col))
            zc = i;
    assert_true(zc >= 0);
    for (line = nl + 1; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert_non_null(nl);
        assert_int_equal(csv_fields(line, row, 64), cols);
        assert_true(atof(row[zc]) == expect);
        rows++;
    }
    assert_true(rows >= 1);
    free(s);
}

static void check_csv(const char *path, const char *zero_col)
{
    check_csv_col(path, zero_col, 0.0);
}

static void check_zero_run(const char *const *args)
{
    char dir[] = "/tmp/bbcli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *a[24];
    int n = 0;
    for (; args[n]; n++)
        a[n] = args[n];
    a[n++] = "--out";
    a[n++] = dir;
    a[n++] = "--quiet";
    a[n] = NULL;
    result *r = malloc(sizeof *r);
    run(r, a);
    if (r->status)
        print_error("stderr: %s\n", r->err);
    assert_int_equal(r->status, 0);
    free(r);
    DIR *d = opendir(dir);
    struct dirent *e;
    char sub[512] = "";
    int entries = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            entries++;
        }
    closedir(d);
    assert_int_equal(entries, 1);
    char p[700];
    snprintf(p, sizeof p, "%s/results.csv", sub);
    check_csv(p, "throughput_mops");
    snprintf(p, sizeof p, "%s/summary.csv", sub);
    check_csv(p, "throughput_median_mops");
    snprintf(p, sizeof p, "%s/latency.csv", sub);
    check_csv_parses(p);
    snprintf(p, sizeof p, "%s/batches.csv", sub);
    check_csv_parses(p);
    snprintf(p, sizeof p, "%s/meta.json", sub);
    char *js = slurp(p);
    assert_non_null(js);
    const char *end = json_value(js);
    assert_non_null(end);
    assert_true(*json_ws(end) == 0);
    assert_non_null(strstr(js, "\"pu_ran_on\""));
    free(js);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_zero_runs(void **state)
{
    (void)state;
    static const char *const ops0[] = {"run", "--ops", "0", "--threads", "2", NULL};
    static const char *const dur0[] = {"run", "--duration", "0", "--threads", "2", NULL};
    static const char *const one[] = {"sweep", "--variant", "batched,atomic,mutex,seq",
                                      "--threads", "1", "--ops", "0", "--reps", "2", NULL};
    static const char *const dur0sweep[] = {"sweep", "--variant", "batched,atomic",
                                            "--queue", "mutex,stack", "--threads", "1,3",
                                            "--duration", "0", "--warmup", "0", NULL};
    static const char *const open0[] = {"run", "--rate", "1e5", "--duration", "0", NULL};
    check_zero_run(ops0);
    check_zero_run(dur0);
    check_zero_run(open0);
    check_zero_run(one);
    check_zero_run(dur0sweep);
}

/* A short real run: results exist, the run's ops are counted, the plot is drawn. */
static void test_real_run_and_plot(void **state)
{
    (void)state;
    char dir[] = "/tmp/bbcli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *a[] = {"sweep", "--variant", "batched,atomic", "--threads", "1,2", "--ops",
                       "20000", "--warmup", "0", "--out", dir, "--label", "t", "--plot", NULL};
    result *r = malloc(sizeof *r);
    run(r, a);
    if (r->status)
        print_error("stderr: %s\n", r->err);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "results.csv"));
    assert_non_null(strstr(r->out, "throughput.png"));
    free(r);
    char cmd[1400], sub[300] = "";
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    closedir(d);
    snprintf(cmd, sizeof cmd, "test -s %s/throughput.png && test -s %s/throughput.svg", sub, sub);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/results.csv", sub);
    check_csv_col(cmd, "ops", 20000); /* every op of every run counted */
    snprintf(cmd, sizeof cmd, "%s/latency.csv", sub);
    assert_true(check_csv_parses(cmd) > 4 * 10); /* a spectrum per configuration */
    snprintf(cmd, sizeof cmd, "%s/batches.csv", sub);
    assert_true(check_csv_parses(cmd) >= 2); /* the batched configurations */
    snprintf(cmd, sizeof cmd, "test -s %s/latency.png && test -s %s/batches.svg", sub, sub);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_commands(void **state)
{
    (void)state;
    result *r = malloc(sizeof *r);
    run(r, (const char *const[]){"list", NULL});
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "stack"));
    assert_non_null(strstr(r->out, "cas"));
    run(r, (const char *const[]){"frobnicate", NULL});
    assert_int_equal(r->status, 2);
    run(r, (const char *const[]){"plot", "/nonexistent-dir", NULL});
    assert_int_equal(r->status, 2);
    assert_int_equal(lines(r->err), 1);
    run(r, (const char *const[]){"sweep", "--help", NULL});
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "--threads"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_zero_runs),
        cmocka_unit_test(test_real_run_and_plot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* cli.c - options of `run` and `sweep`. Values are kept as text here and
 * validated in sweep.c, where each is resolved against the registries. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

enum {
    O_STRUCTURE = 256, O_VARIANT, O_QUEUE, O_LAUNCH, O_WAIT, O_THREADS, O_DEPTH, O_WORK, O_MIX,
    O_PIN, O_SEED, O_DURATION, O_OPS, O_WARMUP, O_REPS, O_OUT, O_LABEL, O_PLOT, O_QUIET, O_HELP,
    O_EXPERIMENT, O_RATE, O_ARRIVALS
};

static const struct option longopts[] = {
    {"structure", required_argument, 0, O_STRUCTURE}, {"variant", required_argument, 0, O_VARIANT},
    {"queue", required_argument, 0, O_QUEUE},         {"launch", required_argument, 0, O_LAUNCH},
    {"wait", required_argument, 0, O_WAIT},           {"threads", required_argument, 0, O_THREADS},
    {"depth", required_argument, 0, O_DEPTH},         {"work", required_argument, 0, O_WORK},
    {"mix", required_argument, 0, O_MIX},             {"pin", required_argument, 0, O_PIN},
    {"seed", required_argument, 0, O_SEED},           {"duration", required_argument, 0, O_DURATION},
    {"ops", required_argument, 0, O_OPS},             {"warmup", required_argument, 0, O_WARMUP},
    {"reps", required_argument, 0, O_REPS},           {"out", required_argument, 0, O_OUT},
    {"label", required_argument, 0, O_LABEL},         {"plot", no_argument, 0, O_PLOT},
    {"quiet", no_argument, 0, O_QUIET},               {"help", no_argument, 0, O_HELP},
    {"experiment", required_argument, 0, O_EXPERIMENT},
    {"rate", required_argument, 0, O_RATE},           {"arrivals", required_argument, 0, O_ARRIVALS},
    {0, 0, 0, 0}};

static void usage(const char *cmd)
{
    printf("usage: batchbench %s [options]\n\n", cmd);
    printf("%s",
           "  --structure NAME      workload structure (default counter; see `batchbench list`)\n"
           "  --variant NAME        batched | atomic | mutex | seq ... (default batched)\n"
           "  --queue SPEC          queue strategy, NAME[:key=value...] (default stack)\n"
           "  --launch SPEC         launch strategy, e.g. cas:batch_limit=64 (default cas)\n"
           "  --wait POLICY         adaptive | spin | yield | park (default adaptive)\n"
           "  --threads N           submitting threads (default: allowed PUs)\n"
           "  --depth D             ops in flight per thread (default 1)\n"
           "  --work W              1..W random empty-loop iterations between ops (0 = none)\n"
           "  --mix OP:W,...        operation mix, e.g. get:10,incr:90\n"
           "  --duration SEC        measured window (default 1); or\n"
           "  --ops N               total ops, split evenly over threads\n"
           "  --warmup SEC          untimed warm-up before the window (default 0.2)\n"
           "  --reps N              repetitions of each configuration (default 1)\n"
           "  --pin MODE            none | compact | scatter | PU list like 0,2 or 0-3 (default "
           "compact)\n"
           "  --seed N              RNG seed (default 1)\n"
           "  --rate R              open loop: R ops/s in total (e.g. 1e6), latency from the "
           "intended\n"
           "                        start; 0 = closed loop (default)\n"
           "  --arrivals KIND       open-loop gaps: fixed | poisson (default fixed)\n"
           "  --out DIR             parent folder of the results folder (default results)\n"
           "  --label NAME          suffix of the results folder name ([A-Za-z0-9._-])\n"
           "  --plot                draw the plots into the results folder afterwards\n"
           "  --quiet               no table on stdout, no progress line\n");
    if (!strcmp(cmd, "sweep"))
        printf("  --experiment NAME     a named preset of lists (options given still win):\n"
               "                        strategies = every queue x launch (and cas:lazy=1), "
               "atomic and mutex,\n                        threads 1,2,4,8, "
               "work 1,64, depth 1,64, 3 reps of 0.5 s\n");
    if (!strcmp(cmd, "sweep"))
        printf("\nIn sweep, --structure --variant --queue --launch --wait --threads --depth --work "
               "--mix\n--pin --seed and --rate take lists; the cartesian product is run, skipping "
               "combinations that\ndo not apply. Lists are comma-separated, except --mix and "
               "--pin, whose values contain\ncommas: separate their alternatives with ';'.\n");
}

static int add_list(bb_strlist *l, const char *opt, const char *val, int sweep, char sep)
{
    l->n = 0;
    if (!*val) {
        fprintf(stderr, "batchbench: --%s: empty value\n", opt);
        return 2;
    }
    if (!sweep) {
        if (sep == ',' && strchr(val, ',')) {
            fprintf(stderr, "batchbench: --%s: run takes one value, got the list '%s' (use "
                            "`batchbench sweep` for lists)\n", opt, val);
            return 2;
        }
        if (strlen(val) >= BB_TEXT) {
            fprintf(stderr, "batchbench: --%s: value longer than %d characters\n", opt,
                    BB_TEXT - 1);
            return 2;
        }
        strcpy(l->v[l->n++], val);
        return 0;
    }
    const char *p = val;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0) {
            fprintf(stderr, "batchbench: --%s: empty item in the list '%s'\n", opt, val);
            return 2;
        }
        if (len >= BB_TEXT || l->n == BB_MAXV) {
            fprintf(stderr, "batchbench: --%s: at most %d items of %d characters each\n", opt,
                    BB_MAXV, BB_TEXT - 1);
            return 2;
        }
        memcpy(l->v[l->n], p, len);
        l->v[l->n][len] = 0;
        for (int i = 0; i < l->n; i++)
            if (!strcmp(l->v[i], l->v[l->n])) {
                fprintf(stderr, "batchbench: --%s: '%s' is listed twice\n", opt, l->v[i]);
                return 2;
            }
        l->n++;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int copy_one(char *dst, size_t cap, const char *opt, const char *val)
{
    if (!*val || strlen(val) >= cap) {
        fprintf(stderr, "batchbench: --%s: expected a value of 1..%zu characters\n", opt, cap - 1);
        return 2;
    }
    strcpy(dst, val);
    return 0;
}

int bb_cli_parse(int argc, char **argv, bb_cli *cli, const char *cmd)
{
    memset(cli, 0, sizeof *cli);
    cli->sweep = !strcmp(cmd, "sweep");
    optind = 1;
    opterr = 0;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        const char *name = NULL;
        for (const struct option *o = longopts; o->name; o++)
            if (o->val == c)
                name = o->name;
        switch (c) {
        case O_STRUCTURE: rc = add_list(&cli->structure, name, optarg, cli->sweep, ','); break;
        case O_VARIANT: rc = add_list(&cli->variant, name, optarg, cli->sweep, ','); break;
        case O_QUEUE: rc = add_list(&cli->queue, name, optarg, cli->sweep, ','); break;
        case O_LAUNCH: rc = add_list(&cli->launch, name, optarg, cli->sweep, ','); break;
        case O_WAIT: rc = add_list(&cli->wait, name, optarg, cli->sweep, ','); break;
        case O_THREADS: rc = add_list(&cli->threads, name, optarg, cli->sweep, ','); break;
        case O_DEPTH: rc = add_list(&cli->depth, name, optarg, cli->sweep, ','); break;
        case O_WORK: rc = add_list(&cli->work, name, optarg, cli->sweep, ','); break;
        case O_SEED: rc = add_list(&cli->seed, name, optarg, cli->sweep, ','); break;
        case O_RATE: rc = add_list(&cli->rate, name, optarg, cli->sweep, ','); break;
        case O_ARRIVALS: rc = copy_one(cli->arrivals, sizeof cli->arrivals, name, optarg); break;
        case O_MIX: rc = add_list(&cli->mix, name, optarg, cli->sweep, ';'); break;
        case O_PIN: rc = add_list(&cli->pin, name, optarg, cli->sweep, ';'); break;
        case O_DURATION: rc = copy_one(cli->duration, sizeof cli->duration, name, optarg); break;
        case O_OPS: rc = copy_one(cli->ops, sizeof cli->ops, name, optarg); break;
        case O_WARMUP: rc = copy_one(cli->warmup, sizeof cli->warmup, name, optarg); break;
        case O_REPS: rc = copy_one(cli->reps, sizeof cli->reps, name, optarg); break;
        case O_OUT: rc = copy_one(cli->out, sizeof cli->out, name, optarg); break;
        case O_LABEL: rc = copy_one(cli->label, sizeof cli->label, name, optarg); break;
        case O_EXPERIMENT:
            if (!cli->sweep) {
                fprintf(stderr, "batchbench run: --experiment belongs to sweep\n");
                return 2;
            }
            rc = copy_one(cli->experiment, sizeof cli->experiment, name, optarg);
            break;
        case O_PLOT: cli->plot = 1; break;
        case O_QUIET: cli->quiet = 1; break;
        case O_HELP: usage(cmd); return 1;
        case ':':
            fprintf(stderr, "batchbench %s: option '%s' needs a value (see --help)\n", cmd,
                    argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "batchbench %s: unknown option '%s' (see `batchbench %s --help`)\n",
                    cmd, argv[optind - 1], cmd);
            return 2;
        }
        if (rc)
            return rc;
    }
    if (optind < argc) {
        fprintf(stderr, "batchbench %s: unexpected argument '%s' (options start with --)\n", cmd,
                argv[optind]);
        return 2;
    }
    if (cli->duration[0] && cli->ops[0]) {
        fprintf(stderr, "batchbench %s: --duration and --ops exclude each other; give one\n",
                cmd);
        return 2;
    }
    return 0;
}

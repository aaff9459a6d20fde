/* main.c - `batchbench` subcommands: run, sweep, plot, list. */
#include <stdio.h>
#include <string.h>

#include "gitrev.h"
#include "harness.h"

static void top_usage(FILE *f)
{
    fprintf(f, "usage: batchbench COMMAND [options]\n\n"
               "  run     run one configuration (repetitions: --reps), write a results folder\n"
               "  sweep   run the cartesian product of option lists, write a results folder\n"
               "  plot    draw every plot a results folder supports (throughput, latency, batches,\n"
               "          throughput-latency)\n"
               "  list    list structures, variants, queues, launches and wait policies\n\n"
               "`batchbench COMMAND --help` shows the options of a command.\n");
}

static int list_main(void)
{
    printf("structures and variants:\n");
    for (int i = 0; bb_workloads[i]; i++) {
        const bb_workload *w = bb_workloads[i];
        printf("  %-10s %s (ops:", w->name, w->help);
        for (int k = 0; w->op_names[k]; k++)
            printf(" %s", w->op_names[k]);
        printf("; default mix %s)\n", w->default_mix);
        for (int k = 0; w->variants[k]; k++)
            printf("    %-10s %s%s\n", w->variants[k]->name, w->variants[k]->help,
                   bb_variant_batched(w->variants[k]) ? " [uses --queue/--launch]" : "");
    }
    printf("queues (--queue NAME[:key=value...]):\n");
    for (int i = 0; bb_queues[i]; i++)
        printf("  %-10s %s\n", bb_queues[i]->name, bb_queues[i]->help);
    printf("launches (--launch NAME[:key=value...]):\n");
    for (int i = 0; bb_launches[i]; i++)
        printf("  %-10s %s\n", bb_launches[i]->name, bb_launches[i]->help);
    printf("wait policies (--wait):\n"
           "  adaptive   spin briefly, then sched_yield, then futex park (default)\n"
           "  spin       pause loop (yields every %u steps so oversubscribed runs finish)\n"
           "  yield      sched_yield between checks\n"
           "  park       futex park at once\n", BB_SPIN_YIELD_EVERY);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        top_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        top_usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("batchbench %s\n", BB_GIT_REV);
        return 0;
    }
    if (!strcmp(cmd, "list"))
        return list_main();
    if (!strcmp(cmd, "plot"))
        return bb_plot_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "run") || !strcmp(cmd, "sweep")) {
        bb_cli cli;
        int rc = bb_cli_parse(argc - 1, argv + 1, &cli, cmd);
        if (rc == 1)
            return 0;
        if (rc)
            return rc;
        return bb_sweep_main(&cli, argc, argv);
    }
    fprintf(stderr, "batchbench: unknown command '%s' (accepted: run, sweep, plot, list)\n", cmd);
    return 2;
}

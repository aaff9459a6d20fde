/* The README's example: 8 threads call ordinary-looking counter operations;
 * the batcher collects them and runs one batch at a time. Prints the final
 * value and how the ops were batched. Built as build/counter-example. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/batcher.h"
#include "strategies/registry.h"
#include "workloads/counter/counter.h"

#define THREADS 8
#define OPS 100000

static bb_batcher *counter; /* shared by all threads */

static void *client(void *arg)
{
    unsigned t = (unsigned)(uintptr_t)arg;
    bb_op op; /* the caller owns the op record: no allocation per call */
    for (int i = 0; i < OPS; i++) {
        if (i % 10 == 0) {
            bb_op_init(&op, BB_COUNTER_GET, 0, 0);
            int64_t v = bb_exec(counter, &op, t); /* blocks until its batch ran */
            (void)v;
        } else {
            bb_op_init(&op, BB_COUNTER_INCR, 0, 0);
            bb_exec(counter, &op, t);
        }
    }
    return NULL;
}

int main(void)
{
    void *ds = bb_counter_ds.create(NULL);
    bb_batcher_config cfg = {
        .ds = &bb_counter_ds, .ds_inst = ds,           /* the batched structure */
        .queue = &bb_queue_stack,                      /* how calls are collected */
        .launch = &bb_launch_cas, .launch_spec = "cas:batch_limit=4096", /* who runs a batch */
        .wait = BB_WAIT_ADAPTIVE, .max_threads = THREADS, .depth = 1,
    };
    bb_err err;
    if (bb_batcher_create(&cfg, &counter, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    pthread_t th[THREADS];
    for (unsigned t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, client, (void *)(uintptr_t)t);
    for (unsigned t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    bb_op get;
    bb_op_init(&get, BB_COUNTER_GET, 0, 0);
    int64_t final = bb_exec(counter, &get, 0);
    bb_batcher_stats st;
    bb_batcher_stats_get(counter, &st);
    printf("final value %lld (expected %d); %llu ops in %llu batches, largest %llu\n",
           (long long)final, THREADS * OPS * 9 / 10, (unsigned long long)st.ops,
           (unsigned long long)st.batches, (unsigned long long)st.max_batch);
    bb_batcher_destroy(counter);
    bb_counter_ds.destroy(ds);
    return final == THREADS * OPS * 9 / 10 ? 0 : 1;
}

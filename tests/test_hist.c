/* Histogram: percentiles within 1% of the exact nearest-rank percentiles on
 * random and adversarial data; empty histograms report 0; overflow clamps. */
#include <math.h>
#include <stdlib.h>

#include "core/hist.h"
#include "core/rng.h"
#include "testutil.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void check_against_exact(uint64_t *v, size_t n)
{
    bb_hist *h = malloc(sizeof *h);
    bb_hist_init(h);
    for (size_t i = 0; i < n; i++)
        bb_hist_record(h, v[i]);
    qsort(v, n, sizeof *v, cmp_u64);
    static const double qs[] = {0.5, 0.9, 0.99, 0.999, 0.9999};
    for (unsigned k = 0; k < 5; k++) {
        size_t rank = (size_t)ceil(qs[k] * (double)n);
        uint64_t exact = v[rank ? rank - 1 : 0];
        uint64_t got = bb_hist_quantile(h, qs[k]);
        double rel = exact ? fabs((double)got - (double)exact) / (double)exact : (double)got;
        if (rel > 0.01)
            print_error("q=%g exact=%llu got=%llu\n", qs[k], (unsigned long long)exact,
                        (unsigned long long)got);
        assert_true(rel <= 0.01);
    }
    assert_int_equal(bb_hist_quantile(h, 1.0), v[n - 1]);
    assert_int_equal(h->max, v[n - 1]);
    free(h);
}

static void test_random_and_adversarial(void **state)
{
    (void)state;
    size_t n = 200000;
    uint64_t *v = malloc(n * sizeof *v);
    bb_rng r;
    bb_rng_seed(&r, 7);
    for (size_t i = 0; i < n; i++) /* uniform over a wide range */
        v[i] = bb_rng_below(&r, 10000000);
    check_against_exact(v, n);
    for (size_t i = 0; i < n; i++) /* power law (Pareto, alpha 1.2) */
        v[i] = (uint64_t)(100.0 / pow(1.0 - (double)bb_rng_below(&r, 1u << 30) / (1u << 30),
                                      1 / 1.2));
    check_against_exact(v, n);
    for (size_t i = 0; i < n; i++) /* all equal */
        v[i] = 123457;
    check_against_exact(v, n);
    v[0] = 999; /* a single value */
    check_against_exact(v, 1);
    for (size_t i = 0; i < n; i++) /* small exact values */
        v[i] = i % 100;
    check_against_exact(v, n);
    free(v);
}

static void test_empty_and_overflow(void **state)
{
    (void)state;
    bb_hist *h = malloc(sizeof *h);
    bb_hist_init(h);
    assert_int_equal(bb_hist_quantile(h, 0.5), 0);
    assert_int_equal(bb_hist_quantile(h, 0.0), 0);
    assert_int_equal(bb_hist_quantile(h, 1.0), 0);
    bb_hist_record(h, UINT64_MAX);
    assert_int_equal(h->overflow, 1);
    assert_int_equal(h->count, 1);
    assert_true(bb_hist_quantile(h, 0.5) < (1ull << BB_HIST_MAX_EXP));
    free(h);
}

static void test_bucket_bounds(void **state)
{
    (void)state;
    for (unsigned i = 0; i < BB_HIST_BUCKETS; i++) {
        uint64_t lo = bb_hist_bucket_lo(i), hi = bb_hist_bucket_hi(i);
        assert_int_equal(bb_hist_index(lo), i);
        assert_int_equal(bb_hist_index(hi), i);
        if (i + 1 < BB_HIST_BUCKETS)
            assert_int_equal(bb_hist_bucket_lo(i + 1), hi + 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_and_adversarial),
        cmocka_unit_test(test_empty_and_overflow),
        cmocka_unit_test(test_bucket_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

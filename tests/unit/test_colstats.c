/*
** test_colstats.c -- exact statistics of columns fed block by block
** (colstats.h) and the exact sums under them (exactsum.h).
**
** Small columns worked by hand (type 7: sorted x(0..n-1), h = (n - 1) p,
** k = floor h, t = h - k, Q = x(k) + t (x(k+1) - x(k))), single draws and
** ties; long columns against GSL's sort-then-interpolate, bit for bit,
** both with the default brackets and with brackets of no width, so that
** every order statistic is hunted by replays; columns whose pilot looks
** nothing like the rest (sorted, alternating); the same bits whatever
** the order blocks are fed in and however many parts they go to; huge
** draws; and exact sums against long double, in shuffled orders.
*/
#include "testutil.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "colstats.h"
#include "exactsum.h"

static mrv_stat summarise_tuned(const double *x, size_t n, double c,
                                const mrv_colstats_tuning *t)
{
    mrv_stat s;
    memset(&s, 0, sizeof s);
    assert_status(mrv__colstats_column(x, n, c, t, &s), MRV_OK);
    return s;
}

static mrv_stat summarise(const double *x, size_t n, double c)
{
    return summarise_tuned(x, n, c, NULL);
}

static void check_tuned(const double *x, size_t n, double c,
                        const mrv_colstats_tuning *t);

static void test_colstats_column_by_hand(void **state)
{
    (void)state;
    /* 2 and 10: mean 6, sd sqrt(((2-6)^2 + (10-6)^2) / 1) = sqrt(32),
    ** se sqrt(32)/sqrt(2) = 4; median h = 0.5: 6; lower p = 0.025:
    ** h = 0.025, 2 + 0.025 * 8 = 2.2; upper p = 0.975: 2 + 0.975 * 8 = 9.8.
    ** The first half is the single draw 2: both half bounds 2. */
    const double x[] = {2, 10};
    mrv_stat s = summarise(x, 2, 0.95);
    assert_close(s.mean, 6, 0);
    assert_close(s.sd, sqrt(32.0), 1e-15);
    assert_close(s.se_mean, 4, 1e-15);
    assert_close(s.median, 6, 0);
    assert_close(s.lower, 2.2, 1e-15);
    assert_close(s.upper, 9.8, 1e-15);
    assert_close(s.lower_half, 2, 0);
    assert_close(s.upper_half, 2, 0);
    /* 3 1 4 1 5 at 90 %: p = 0.05, h = 0.2, 1; p = 0.95, h = 3.8, 4.8;
    ** mean 14/5 = 2.8; sd: deviations .2 -1.8 1.2 -1.8 2.2, squares sum
    ** .04 + 3.24 + 1.44 + 3.24 + 4.84 = 12.8, / 4 = 3.2.  First half:
    ** 3 1, p = 0.05: 1 + 0.05 * 2 = 1.1, p = 0.95: 1 + 0.95 * 2 = 2.9. */
    const double y[] = {3, 1, 4, 1, 5};
    s = summarise(y, 5, 0.9);
    assert_close(s.mean, 2.8, 1e-15);
    assert_close(s.sd, sqrt(3.2), 1e-15);
    assert_close(s.lower, 1, 1e-15);
    assert_close(s.median, 3, 0);
    assert_close(s.upper, 4.8, 1e-15);
    assert_close(s.lower_half, 1.1, 1e-15);
    assert_close(s.upper_half, 2.9, 1e-15);
}

static void test_colstats_single_draw(void **state)
{
    (void)state;
    const double x[] = {-3.5};
    mrv_stat s = summarise(x, 1, 0.95);
    assert_true(s.mean == -3.5 && s.median == -3.5);
    assert_true(s.lower == -3.5 && s.upper == -3.5);
    assert_true(s.lower_half == -3.5 && s.upper_half == -3.5);
    assert_true(s.sd == 0 && s.se_mean == 0);
}

static void test_colstats_ties(void **state)
{
    (void)state;
    /* A constant column: everything is the constant, exactly (the mean is
    ** shifted by the first draw, the interpolation of equal neighbours
    ** returns them), and sd is exactly 0, never a rounding residue. */
    double x[1000];
    for (size_t i = 0; i < 1000; i++) x[i] = 0.1;
    mrv_stat s = summarise(x, 1000, 0.95);
    assert_true(s.mean == 0.1 && s.sd == 0);
    assert_true(s.lower == 0.1 && s.median == 0.1 && s.upper == 0.1);
    /* Two values: 1 x 500 then 3 x 500.  Sorted, x(499) = 1, x(500) = 3.
    ** median h = 499.5: 1 + 0.5 * 2 = 2; lower p = 0.025, h = 24.975:
    ** x(24) = x(25) = 1; upper 3.  First half all 1. */
    for (size_t i = 0; i < 1000; i++) x[i] = i < 500 ? 1 : 3;
    s = summarise(x, 1000, 0.95);
    assert_close(s.median, 2, 1e-15);
    assert_true(s.lower == 1 && s.upper == 3);
    assert_true(s.lower_half == 1 && s.upper_half == 1);
    assert_close(s.mean, 2, 1e-15);
}

/* Exact order statistics, so equal to GSL's sort-then-interpolate to the
** last bit (both use (1 - t) a + t b), with the default brackets and with
** brackets of no width, which miss every time and must be hunted. */
static void check_against_gsl(const double *x, size_t n, double c)
{
    check_tuned(x, n, c, NULL);
    mrv_colstats_tuning none = {1e-9, 1e-9};
    check_tuned(x, n, c, &none);
}

static void check_tuned(const double *x, size_t n, double c,
                        const mrv_colstats_tuning *t)
{
    mrv_stat s = summarise_tuned(x, n, c, t);
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    memcpy(y, x, n * sizeof *y);
    gsl_sort(y, 1, n);
    double plo = (1 - c) / 2, phi = (1 + c) / 2;
    assert_true(s.lower == gsl_stats_quantile_from_sorted_data(y, 1, n, plo));
    assert_true(s.median == gsl_stats_quantile_from_sorted_data(y, 1, n, 0.5));
    assert_true(s.upper == gsl_stats_quantile_from_sorted_data(y, 1, n, phi));
    assert_close(s.mean, gsl_stats_mean(x, 1, n), 1e-12);
    assert_close(s.sd, gsl_stats_sd(x, 1, n), 1e-10);
    size_t nh = n / 2;
    memcpy(y, x, nh * sizeof *y);
    gsl_sort(y, 1, nh);
    assert_true(s.lower_half ==
                gsl_stats_quantile_from_sorted_data(y, 1, nh, plo));
    assert_true(s.upper_half ==
                gsl_stats_quantile_from_sorted_data(y, 1, nh, phi));
    free(y);
}

static void test_colstats_long_columns(void **state)
{
    (void)state;
    size_t n = 300001;
    double *x = malloc(((size_t)1 << 20) * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 7);
    /* Normal draws, at two confidences. */
    for (size_t i = 0; i < n; i++) x[i] = 1e5 + gsl_ran_gaussian(r, 3e4);
    check_against_gsl(x, n, 0.95);
    check_against_gsl(x, n, 0.5);
    /* Heavy ties: seven distinct values; the brackets hold whole runs. */
    for (size_t i = 0; i < n; i++) x[i] = floor(gsl_rng_uniform(r) * 7);
    check_against_gsl(x, n, 0.95);
    /* Sorted ascending and descending. */
    for (size_t i = 0; i < n; i++) x[i] = (double)i * 0.5;
    check_against_gsl(x, n, 0.9);
    for (size_t i = 0; i < n; i++) x[i] = -(double)i;
    check_against_gsl(x, n, 0.9);
    /* Even draws 0, odd ones large: an evenly spaced subsample with an
    ** even step (any power of two below n = 2^20) sees only zeros, so
    ** every bracket holds half the column or more, overflows, and the
    ** full selection must run. */
    n = (size_t)1 << 20;
    for (size_t i = 0; i < n; i++)
        x[i] = i % 2 == 0 ? 0 : 1000 + gsl_rng_uniform(r);
    check_against_gsl(x, n, 0.95);
    gsl_rng_free(r);
    free(x);
}

/* Mean and sd of x by two passes in long double, scaled by 2^-1000 so
** nothing overflows: the reference for huge draws. */
static void reference_moments(const double *x, size_t n, double *mean,
                              double *sd)
{
    long double s = 0, q = 0, sc = ldexpl(1, -1000);
    for (size_t i = 0; i < n; i++) s += (long double)x[i] * sc;
    long double m = s / n;
    for (size_t i = 0; i < n; i++) {
        long double d = (long double)x[i] * sc - m;
        q += d * d;
    }
    *mean = (double)(m / sc);
    *sd = (double)(sqrtl(q / (n - 1)) / sc);
}

/* Draws near the top of the doubles overflow plain moments: (x - x0)^2
** above 1e154 is inf, and x - x0 of +-1e308 is too, which gave a mean of
** -inf and an sd of 0 (fmax(NaN, 0)).  The moments are exact up to
** rounding whatever the magnitude, on both the short and the bracketed
** long path. */
static void test_colstats_huge_draws(void **state)
{
    (void)state;
    size_t ns[2] = {1001, 200001};
    for (int k = 0; k < 2; k++) {
        size_t n = ns[k];
        double *x = malloc(n * sizeof *x);
        assert_non_null(x);
        /* +-1e308 alternating, ending in 0: mean 0, sd about 1e308. */
        for (size_t i = 0; i < n; i++) x[i] = i % 2 ? -1e308 : 1e308;
        x[n - 1] = 0;
        double mean, sd;
        reference_moments(x, n, &mean, &sd);
        mrv_stat st = summarise(x, n, 0.95);
        assert_true(isfinite(st.mean) && isfinite(st.sd));
        assert_true(fabs(st.mean - mean) <= 1e-12 * 1e308);
        assert_close(st.sd, sd, 1e-12);
        assert_close(st.se_mean, sd / sqrt((double)n), 1e-12);
        assert_close(st.median, 0, 0);
        /* Normal draws around 1e300 with sd 3e299. */
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        assert_non_null(r);
        gsl_rng_set(r, 7);
        for (size_t i = 0; i < n; i++)
            x[i] = 1e300 + 3e299 * gsl_ran_gaussian_ziggurat(r, 1);
        gsl_rng_free(r);
        reference_moments(x, n, &mean, &sd);
        st = summarise(x, n, 0.95);
        assert_close(st.mean, mean, 1e-12);
        assert_close(st.sd, sd, 1e-12);
        /* Draws of +-DBL_MAX: a spread beyond the doubles, an sd of
        ** +inf that the Monte Carlo refuses (never 0, never NaN). */
        for (size_t i = 0; i < n; i++) x[i] = i % 2 ? -DBL_MAX : DBL_MAX;
        st = summarise(x, n, 0.95);
        assert_true(isfinite(st.mean));
        assert_true(isinf(st.sd) && st.sd > 0);
        free(x);
    }
}

/* Feeds the blocks of x in the order 'perm' to parts[block % np], then
** finishes and hunts with replays in that order too; *passes is the
** number of replays the hunt took. */
static mrv_stat feed_in_order(const double *x, size_t n, double c,
                              const mrv_colstats_tuning *t, const size_t *perm,
                              size_t np, size_t *passes)
{
    size_t B = MRV_COLSTATS_BLOCK, nb = (n + B - 1) / B;
    uint64_t m = mrv__colstats_pilot_len(n);
    mrv_colstats *col = mrv__colstats_new(n, c, t);
    mrv_colpart *parts[4];
    double *scratch = malloc((size_t)m * sizeof *scratch);
    assert_non_null(col);
    assert_non_null(scratch);
    for (size_t i = 0; i < np; i++)
        assert_non_null(parts[i] = mrv__colpart_new());
    mrv__colstats_place(col, x, (size_t)m, scratch);
    for (size_t k = 0; k < nb; k++) {
        size_t b = perm[k], i0 = b * B, nx = n - i0 < B ? n - i0 : B;
        uint64_t bad;
        assert_true(
            mrv__colstats_feed(col, parts[b % np], x + i0, nx, i0, &bad));
    }
    mrv_stat s;
    memset(&s, 0, sizeof s);
    assert_status(mrv__colstats_finish(col, parts, np, &s), MRV_OK);
    *passes = 0;
    while (mrv__colstats_hunting(col)) {
        (*passes)++;
        for (size_t k = 0; k < nb; k++) {
            size_t b = perm[k], i0 = b * B, nx = n - i0 < B ? n - i0 : B;
            mrv__colstats_hunt_feed(col, x + i0, nx, i0);
        }
        assert_status(mrv__colstats_hunt_end(col, &s), MRV_OK);
    }
    for (size_t i = 0; i < np; i++) mrv__colpart_free(parts[i]);
    mrv__colstats_free(col);
    free(scratch);
    return s;
}

/* Every field the same bits: memcmp of the summaries. */
static void assert_same_stat(const mrv_stat *a, const mrv_stat *b)
{
    assert_memory_equal(&a->mean, &b->mean, sizeof a->mean);
    assert_memory_equal(&a->sd, &b->sd, sizeof a->sd);
    assert_memory_equal(&a->lower, &b->lower, sizeof a->lower);
    assert_memory_equal(&a->median, &b->median, sizeof a->median);
    assert_memory_equal(&a->upper, &b->upper, sizeof a->upper);
    assert_memory_equal(&a->lower_half, &b->lower_half, sizeof a->lower_half);
    assert_memory_equal(&a->upper_half, &b->upper_half, sizeof a->upper_half);
}

/* The Monte Carlo's threads feed blocks in whatever order they finish:
** in order on one part, reversed on two, shuffled on three and four
** parts give the same bits, with and without hunting.  Brackets of no
** width must miss, so that tuning has to hunt: otherwise its half of
** the test would repeat the other. */
static void test_colstats_any_order(void **state)
{
    (void)state;
    size_t n = 100000, B = MRV_COLSTATS_BLOCK, nb = (n + B - 1) / B;
    double *x = malloc(n * sizeof *x);
    size_t *perm = malloc(nb * sizeof *perm);
    assert_non_null(x);
    assert_non_null(perm);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 11);
    for (size_t i = 0; i < n; i++) x[i] = 50 + gsl_ran_lognormal(r, 0, 0.8);
    mrv_colstats_tuning none = {1e-9, 1e-9};
    const mrv_colstats_tuning *tt[2] = {NULL, &none};
    for (int k = 0; k < 2; k++) {
        size_t passes;
        for (size_t b = 0; b < nb; b++) perm[b] = b;
        mrv_stat ref = feed_in_order(x, n, 0.95, tt[k], perm, 1, &passes);
        if (tt[k] == &none) assert_true(passes > 0);
        for (size_t b = 0; b < nb; b++) perm[b] = nb - 1 - b;
        mrv_stat s = feed_in_order(x, n, 0.95, tt[k], perm, 2, &passes);
        assert_same_stat(&ref, &s);
        for (size_t np = 3; np <= 4; np++) {
            gsl_ran_shuffle(r, perm, nb, sizeof *perm);
            s = feed_in_order(x, n, 0.95, tt[k], perm, np, &passes);
            assert_same_stat(&ref, &s);
        }
    }
    gsl_rng_free(r);
    free(perm);
    free(x);
}

/* Around the sizes where the path changes: direct selection up to 4096
** draws, then a pilot of two blocks, partial last blocks. */
static void test_colstats_sizes(void **state)
{
    (void)state;
    size_t ns[] = {3, 511, 512, 513, 4095, 4096, 4097, 5000, 9999, 20481};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 5);
    double *x = malloc(20481 * sizeof *x);
    assert_non_null(x);
    for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
        for (size_t i = 0; i < ns[k]; i++) x[i] = gsl_ran_gaussian(r, 2.0);
        check_against_gsl(x, ns[k], 0.95);
        check_against_gsl(x, ns[k], 0.8);
    }
    gsl_rng_free(r);
    free(x);
}

static double exact_value(const mrv_exactsum *s)
{
    int e;
    double m = mrv__exactsum_value(s, &e);
    return ldexp(m, e);
}

/* Sums of terms of wildly different sizes and signs, in three orders,
** merged from pieces or not: the same bits, and within an ulp of the sum
** in long double where long double holds it exactly (terms within 2^60
** of each other). */
static void test_exactsum_any_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    double t[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 3);
    for (size_t i = 0; i < N; i++)
        t[i] = ldexp(gsl_rng_uniform(r) - 0.5,
                     (int)(gsl_rng_uniform_int(r, 2000)) - 1000);
    mrv_exactsum a, b, c, d;
    mrv__exactsum_init(&a);
    mrv__exactsum_init(&b);
    mrv__exactsum_init(&c);
    mrv__exactsum_init(&d);
    for (size_t i = 0; i < N; i++) mrv__exactsum_add(&a, t[i], 0);
    for (size_t i = N; i-- > 0;) mrv__exactsum_add(&b, t[i], 0);
    for (size_t i = 0; i < N; i += 2) mrv__exactsum_add(&c, t[i], 0);
    for (size_t i = 1; i < N; i += 2) mrv__exactsum_add(&d, t[i], 0);
    mrv__exactsum_merge(&c, &d);
    int ea, eb, ec;
    double ma = mrv__exactsum_value(&a, &ea), mb = mrv__exactsum_value(&b, &eb),
           mc = mrv__exactsum_value(&c, &ec);
    assert_true(ma == mb && ea == eb && ma == mc && ea == ec);
    /* 1 + 2^-60 - 1 is 2^-60, which plain doubles lose. */
    mrv__exactsum_init(&a);
    mrv__exactsum_add(&a, 1, 0);
    mrv__exactsum_add(&a, ldexp(1, -60), 0);
    mrv__exactsum_add(&a, -1, 0);
    assert_true(exact_value(&a) == ldexp(1, -60));
    /* Cancelling to zero, and negative sums. */
    mrv__exactsum_init(&a);
    for (size_t i = 0; i < N; i++) mrv__exactsum_add(&a, t[i], 0);
    for (size_t i = 0; i < N; i++) mrv__exactsum_add(&a, -t[i], 0);
    assert_true(exact_value(&a) == 0);
    mrv__exactsum_init(&a);
    mrv__exactsum_add(&a, -3.25, 0);
    mrv__exactsum_add(&a, 1e-300, 0);
    assert_true(exact_value(&a) == -3.25);
    /* Within an ulp of long double where it is exact. */
    long double ref = 0;
    mrv__exactsum_init(&a);
    for (size_t i = 0; i < N; i++) {
        double v =
            ldexp(gsl_rng_uniform(r) - 0.3, (int)gsl_rng_uniform_int(r, 8));
        mrv__exactsum_add(&a, v, 0);
        ref += (long double)v;
    }
    assert_close(exact_value(&a), (double)ref, 2.3e-16);
    /* Beyond the doubles: 2^1000 * 2^1000 = 2^2000, as m 2^e. */
    mrv__exactsum_init(&a);
    mrv__exactsum_add(&a, ldexp(1, 1000), 1000);
    mrv__exactsum_add(&a, ldexp(1, 1000), 1000);
    ma = mrv__exactsum_value(&a, &ea);
    assert_true(ma == 0.5 && ea == 2002);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colstats_column_by_hand),
        cmocka_unit_test(test_colstats_single_draw),
        cmocka_unit_test(test_colstats_ties),
        cmocka_unit_test(test_colstats_long_columns),
        cmocka_unit_test(test_colstats_huge_draws),
        cmocka_unit_test(test_colstats_any_order),
        cmocka_unit_test(test_colstats_sizes),
        cmocka_unit_test(test_exactsum_any_order),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

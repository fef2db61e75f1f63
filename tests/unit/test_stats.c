/*
** test_stats.c -- column summaries (stats.h).
**
** Type-7 quantiles on small arrays worked by hand (the working is in the
** comments: sorted x(0..n-1), h = (n - 1) p, k = floor h, t = h - k,
** Q = x(k) + t (x(k+1) - x(k))), single draws, ties, and the fast
** bracketed path for long columns against GSL's sort-based
** gsl_stats_quantile_from_sorted_data, including a column built so that
** the brackets miss and the fallback must run.
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

#include "stats.h"

static mrv_stat summarise(const double *x, size_t n, double c)
{
    mrv_stats_ws *w = mrv_stats_ws_new(n);
    assert_non_null(w);
    mrv_stat s;
    memset(&s, 0, sizeof s);
    assert_status(mrv_stats_column(x, n, c, w, &s), MRV_OK);
    mrv_stats_ws_free(w);
    return s;
}

static double q7(const double *x, size_t n, double p)
{
    double *c = malloc(n * sizeof *c);
    assert_non_null(c);
    memcpy(c, x, n * sizeof *c);
    double q;
    mrv_stats_quantiles(c, n, &p, 1, &q);
    free(c);
    return q;
}

static void test_stats_type7_by_hand(void **state)
{
    (void)state;
    /* x = 3 1 4 1 5, sorted 1 1 3 4 5, n - 1 = 4. */
    const double x[] = {3, 1, 4, 1, 5};
    /* p = 0.5: h = 2, x(2) = 3. */
    assert_close(q7(x, 5, 0.5), 3, 0);
    /* p = 0.25: h = 1, x(1) = 1. */
    assert_close(q7(x, 5, 0.25), 1, 0);
    /* p = 0.9: h = 3.6, 4 + 0.6 (5 - 4) = 4.6. */
    assert_close(q7(x, 5, 0.9), 4.6, 1e-15);
    /* p = 0.1: h = 0.4, between the tied 1 and 1: exactly 1. */
    assert_true(q7(x, 5, 0.1) == 1);
    /* p = 0.975: h = 3.9, 4 + 0.9 = 4.9. p = 0.025: h = 0.1, 1. */
    assert_close(q7(x, 5, 0.975), 4.9, 1e-15);
    assert_close(q7(x, 5, 0.025), 1, 0);
    /* p = 0 and 1: the extremes. */
    assert_close(q7(x, 5, 0), 1, 0);
    assert_close(q7(x, 5, 1), 5, 0);
    /* Even n: 1 2 3 4, median h = 1.5, 2 + 0.5 = 2.5. */
    const double y[] = {4, 2, 1, 3};
    assert_close(q7(y, 4, 0.5), 2.5, 0);
    /* p = 0.95 over 1 2 3 4: h = 2.85, 3 + 0.85 = 3.85. */
    assert_close(q7(y, 4, 0.95), 3.85, 1e-15);
}

static void test_stats_column_by_hand(void **state)
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

static void test_stats_single_draw(void **state)
{
    (void)state;
    const double x[] = {-3.5};
    mrv_stat s = summarise(x, 1, 0.95);
    assert_true(s.mean == -3.5 && s.median == -3.5);
    assert_true(s.lower == -3.5 && s.upper == -3.5);
    assert_true(s.lower_half == -3.5 && s.upper_half == -3.5);
    assert_true(s.sd == 0 && s.se_mean == 0);
}

static void test_stats_ties(void **state)
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

/* The long-column path: exact order statistics, so equal to GSL's
** sort-then-interpolate to the last bit (both use (1 - t) a + t b). */
static void check_against_gsl(const double *x, size_t n, double c)
{
    mrv_stat s = summarise(x, n, c);
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    memcpy(y, x, n * sizeof *y);
    gsl_sort(y, 1, n);
    double plo = (1 - c) / 2, phi = (1 + c) / 2;
    assert_close(s.lower, gsl_stats_quantile_from_sorted_data(y, 1, n, plo),
                 1e-15);
    assert_close(s.median, gsl_stats_quantile_from_sorted_data(y, 1, n, 0.5),
                 1e-15);
    assert_close(s.upper, gsl_stats_quantile_from_sorted_data(y, 1, n, phi),
                 1e-15);
    assert_close(s.mean, gsl_stats_mean(x, 1, n), 1e-12);
    assert_close(s.sd, gsl_stats_sd(x, 1, n), 1e-10);
    size_t nh = n / 2;
    memcpy(y, x, nh * sizeof *y);
    gsl_sort(y, 1, nh);
    assert_close(s.lower_half,
                 gsl_stats_quantile_from_sorted_data(y, 1, nh, plo), 1e-15);
    assert_close(s.upper_half,
                 gsl_stats_quantile_from_sorted_data(y, 1, nh, phi), 1e-15);
    free(y);
}

static void test_stats_long_columns(void **state)
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
static void test_stats_huge_draws(void **state)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_type7_by_hand),
        cmocka_unit_test(test_stats_column_by_hand),
        cmocka_unit_test(test_stats_single_draw),
        cmocka_unit_test(test_stats_ties),
        cmocka_unit_test(test_stats_long_columns),
        cmocka_unit_test(test_stats_huge_draws),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

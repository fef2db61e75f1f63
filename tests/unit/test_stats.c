/*
** test_stats.c -- column summaries (stats.h).
**
** Type-7 quantiles on small arrays worked by hand (the working is in the
** comments: sorted x(0..n-1), h = (n - 1) p, k = floor h, t = h - k,
** Q = x(k) + t (x(k+1) - x(k))).  Columns too long to hold are
** test_colstats.c's.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "stats.h"
#include "stats_int.h"

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

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Order statistics against a sorted copy: short arrays (partition only)
** and long ones (Floyd-Rivest's sampling step, past 600), distinct
** values, heavy ties, already sorted and reversed, all one value, two
** values (each partition's pivot is tied with most of the range: a
** selection that moves only one tied value per pass would be
** quadratic), every 64th draw the least, an organ pipe and a sawtooth;
** the ranks asked for include runs of consecutive ranks (a quantile's k
** and k + 1, found as the least above k) and repeats, at both ends.  The
** work must stay linear in the draws whatever their order. */
static void test_stats_order_matches_sort(void **state)
{
    (void)state;
    static const size_t lens[] = {1,    2,    3,    7,    600,   601,
                                  2000, 2047, 2048, 4096, 50001, 262144};
    uint64_t z = 12345;
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t n = lens[li];
        double *x = malloc(n * sizeof *x), *s = malloc(n * sizeof *s);
        double *y = malloc(n * sizeof *y);
        assert_non_null(x);
        assert_non_null(s);
        assert_non_null(y);
        for (int shape = 0; shape < 9; shape++) {
            for (size_t i = 0; i < n; i++) {
                z = z * 6364136223846793005u + 1442695040888963407u;
                double u = (double)(z >> 11) * 0x1p-53;
                x[i] = shape == 0   ? u
                       : shape == 1 ? (double)(z >> 61) /* 8 values */
                       : shape == 2 ? (double)i
                       : shape == 3 ? (double)(n - i)
                       : shape == 4 ? (i % 64 == 0 ? -1 : u)
                       : shape == 5 ? 2.5                /* all tied */
                       : shape == 6 ? (double)(u < 0.01) /* two values */
                       : shape == 7 ? (double)(i < n / 2 ? i : n - i)
                                    : (double)(i % 1000); /* sawtooth */
            }
            memcpy(s, x, n * sizeof *s);
            qsort(s, n, sizeof *s, by_value);
            size_t r[] = {0,         0,     1,     n / 3, n / 3 + 1,
                          n / 3 + 2, n / 2, n - 2, n - 1, n - 1};
            size_t nr = sizeof r / sizeof *r;
            for (size_t i = 0; i < nr; i++)
                if (r[i] >= n) r[i] = n - 1;
            for (size_t i = 1; i < nr; i++) /* ascending */
                for (size_t j = i; j > 0 && r[j - 1] > r[j]; j--) {
                    size_t t = r[j];
                    r[j] = r[j - 1];
                    r[j - 1] = t;
                }
            double v[10];
            /* Two ranks far apart. */
            size_t r2[2] = {n / 3, n - 1};
            memcpy(y, x, n * sizeof *y);
            mrv_stats_order(y, n, r2, 2, v);
            assert_true(v[0] == s[r2[0]] && v[1] == s[r2[1]]);
            uint64_t moved = mrv__stats_moved;
            mrv_stats_order(x, n, r, nr, v);
            moved = mrv__stats_moved - moved;
            /* Linear in the draws whatever their order: partitions keep
            ** each side's order, so a sample of neighbours gave the same
            ** values pass after pass (reversed draws: 1,000 n). */
            if (n >= 2048) assert_true(moved <= 12 * (uint64_t)n);
            for (size_t i = 0; i < nr; i++) assert_true(v[i] == s[r[i]]);
            /* Still the same draws, reordered. */
            qsort(x, n, sizeof *x, by_value);
            assert_memory_equal(x, s, n * sizeof *x);
        }
        free(x);
        free(s);
        free(y);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_type7_by_hand),
        cmocka_unit_test(test_stats_order_matches_sort),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_type7_by_hand),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

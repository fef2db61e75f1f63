/*
** test_pmath.c -- the portable exp, log, log10, pow, expm1 (pmath.h) and
** the distribution functions built on them (cdf.h).
**
** Accuracy against long double (64-bit significands, so a reference good
** to 2^-63 where the argument is exact): within 0.52 units in the last
** place over random arguments spanning the whole range, with the share
** of results not correctly rounded printed.  C99 Annex F's special cases
** one by one.  Exact cases a unit conversion relies on (10^3 cubed is
** 10^9, log10 of a power of ten).  The normal's P, Q and inverses at
** values worked in the comments; Beta(a, b) against closed forms for
** small integer shapes.
*/
#include "testutil.h"

#include <float.h>
#include <stdint.h>
#include <string.h>

#include "cdf.h"
#include "pmath.h"

static uint64_t rs = 88172645463325252ULL;

/* xorshift64: a fixed sequence of test arguments. */
static double rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) * 0x1p-53;
}

/* |got - want| in units of got's last place. */
static double ulps(double got, long double want)
{
    int e;
    frexp(got, &e);
    double ulp = ldexp(1, (e - 53 < -1074 ? -1074 : e - 53));
    return (double)fabsl((long double)got - want) / ulp;
}

static void check_ulps(const char *name, double got, long double want,
                       double *worst, size_t *wrong)
{
    double u = ulps(got, want);
    if (u > 0.5) (*wrong)++;
    if (u > *worst) *worst = u;
    if (!(u <= 0.52))
        fail_msg("%s: %.17g is %.3f ulp from %.21Lg", name, got, u, want);
}

static void test_pmath_accuracy(void **state)
{
    (void)state;
    enum { NA = 300000 };
    double w[5] = {0};
    size_t bad[5] = {0};
    for (size_t i = 0; i < NA; i++) {
        double x = (rnd() - 0.5) * 1400;
        check_ulps("exp", mrv__exp(x), expl((long double)x), &w[0], &bad[0]);
        double y = ldexp(rnd() + 0.5, (int)(rnd() * 2000) - 1000);
        check_ulps("log", mrv__log(y), logl((long double)y), &w[1], &bad[1]);
        check_ulps("log10", mrv__log10(y), log10l((long double)y), &w[2],
                   &bad[2]);
        /* Near 1, where log has no table to lean on. */
        double z = 1 + (rnd() - 0.5) * 0x1p-6;
        check_ulps("log", mrv__log(z), logl((long double)z), &w[1], &bad[1]);
        double b = rnd() * 8, p = (rnd() - 0.5) * 60;
        check_ulps("pow", mrv__pow(b, p), powl((long double)b, (long double)p),
                   &w[3], &bad[3]);
        double m = (rnd() - 0.5) * ldexp(1, (int)(rnd() * 16) - 12);
        check_ulps("expm1", mrv__expm1(m), expm1l((long double)m), &w[4],
                   &bad[4]);
    }
    print_message("worst ulps: exp %.3f log %.3f log10 %.3f pow %.3f expm1 "
                  "%.3f; not correctly rounded: %zu %zu %zu %zu %zu of %d\n",
                  w[0], w[1], w[2], w[3], w[4], bad[0], bad[1], bad[2], bad[3],
                  bad[4], NA);
}

/* Same bits, including the sign of a zero, or both NaN. */
static void same(double got, double want, const char *what)
{
    if (isnan(got) && isnan(want)) return;
    if (!(got == want && signbit(got) == signbit(want)))
        fail_msg("%s = %.17g, want %.17g", what, got, want);
}

static void test_pmath_special(void **state)
{
    (void)state;
    const double inf = (double)HUGE_VAL, nan = (double)NAN;
    same(mrv__exp(0), 1, "exp(0)");
    same(mrv__exp(-0.0), 1, "exp(-0)");
    same(mrv__exp(inf), inf, "exp(inf)");
    same(mrv__exp(-inf), 0, "exp(-inf)");
    same(mrv__exp(710), inf, "exp(710)");
    same(mrv__exp(-746), 0, "exp(-746)");
    same(mrv__exp(-745), 0x1p-1074, "exp(-745)"); /* 4.94e-324 */
    same(mrv__exp(709.78), 1.7928227943945155e308, "exp(709.78)");
    same(mrv__exp(nan), nan, "exp(nan)");
    same(mrv__log(1), 0, "log(1)");
    same(mrv__log(0), -inf, "log(0)");
    same(mrv__log(-0.0), -inf, "log(-0)");
    same(mrv__log(-1), nan, "log(-1)");
    same(mrv__log(inf), inf, "log(inf)");
    same(mrv__log(0x1p-1074), -744.44007192138126, "log(min subnormal)");
    same(mrv__log10(1000), 3, "log10(1000)");
    same(mrv__log10(1e-300), -300, "log10(1e-300)");
    same(mrv__expm1(0), 0, "expm1(0)");
    same(mrv__expm1(-0.0), -0.0, "expm1(-0)");
    same(mrv__expm1(-inf), -1, "expm1(-inf)");
    same(mrv__expm1(1e-300), 1e-300, "expm1(1e-300)");
    /* pow, F.9.4.4 in order. */
    same(mrv__pow(0.0, -3), inf, "pow(+0, -3)");
    same(mrv__pow(-0.0, -3), -inf, "pow(-0, -3)");
    same(mrv__pow(-0.0, -2), inf, "pow(-0, -2)");
    same(mrv__pow(-0.0, -0.5), inf, "pow(-0, -0.5)");
    same(mrv__pow(-0.0, 3), -0.0, "pow(-0, 3)");
    same(mrv__pow(-0.0, 2), 0, "pow(-0, 2)");
    same(mrv__pow(-1, inf), 1, "pow(-1, inf)");
    same(mrv__pow(1, nan), 1, "pow(1, nan)");
    same(mrv__pow(nan, 0), 1, "pow(nan, 0)");
    same(mrv__pow(-2, 0.5), nan, "pow(-2, 0.5)");
    same(mrv__pow(0.5, -inf), inf, "pow(0.5, -inf)");
    same(mrv__pow(2, -inf), 0, "pow(2, -inf)");
    same(mrv__pow(0.5, inf), 0, "pow(0.5, inf)");
    same(mrv__pow(2, inf), inf, "pow(2, inf)");
    same(mrv__pow(-inf, -3), -0.0, "pow(-inf, -3)");
    same(mrv__pow(-inf, -2), 0, "pow(-inf, -2)");
    same(mrv__pow(-inf, 3), -inf, "pow(-inf, 3)");
    same(mrv__pow(-inf, 2), inf, "pow(-inf, 2)");
    same(mrv__pow(inf, -1), 0, "pow(inf, -1)");
    same(mrv__pow(inf, 0.5), inf, "pow(inf, 0.5)");
    same(mrv__pow(-1, 1e308), 1, "pow(-1, 1e308)");
    same(mrv__pow(-2, 3), -8, "pow(-2, 3)");
    same(mrv__pow(-2, -1), -0.5, "pow(-2, -1)");
    same(mrv__pow(2, 1024), inf, "pow(2, 1024)");
    same(mrv__pow(2, -1074), 0x1p-1074, "pow(2, -1074)");
    same(mrv__pow(2, -1080), 0, "pow(2, -1080)");
    same(mrv__pow(nan, 1), nan, "pow(nan, 1)");
    /* Exact results are returned exactly: unit scales rely on it. */
    same(mrv__pow(1000, 3), 1e9, "pow(1000, 3)");
    same(mrv__pow(10, 22), 1e22, "pow(10, 22)");
    same(mrv__pow(0.5, 3), 0.125, "pow(0.5, 3)");
    same(mrv__pow(16, 0.25), 2, "pow(16, 0.25)");
    same(mrv__pow(9, 0.5), 3, "pow(9, 0.5)");
}

static void test_cdf_normal(void **state)
{
    (void)state;
    /* Phi(1.96) = 0.97500210485177952 and its complement; the 97.5 %
    ** point 1.9599639845400542 (AS 241 is good to about 1e-16: a couple
    ** of ulps); the median 0; symmetry. */
    assert_close(mrv__cdf_normal_P(1.96), 0.97500210485177952, 2e-16);
    assert_close(mrv__cdf_normal_Q(1.96), 0.024997895148220435, 1e-15);
    assert_close(mrv__cdf_normal_Pinv(0.975), 1.9599639845400542, 5e-16);
    assert_close(mrv__cdf_normal_Qinv(0.025), 1.9599639845400542, 5e-16);
    assert_true(mrv__cdf_normal_P(0) == 0.5);
    assert_true(mrv__cdf_normal_Pinv(0.5) == 0);
    /* The far tail, kept relative: Q(10) = 7.6198530241604696e-24,
    ** Q(30) = 4.906713927148187e-198. */
    assert_close(mrv__cdf_normal_Q(10) / 7.6198530241604696e-24, 1, 1e-14);
    assert_close(mrv__cdf_normal_Q(30) / 4.906713927148187e-198, 1, 1e-14);
    assert_close(mrv__cdf_normal_Qinv(7.6198530241604696e-24), 10, 1e-14);
    /* pdf(1) = exp(-1/2) / sqrt(2 pi) = 0.24197072451914337. */
    assert_close(mrv__cdf_normal_pdf(1), 0.24197072451914337, 2e-16);
    for (int i = 1; i < 1000; i++) {
        double p = i / 1000.0, x = mrv__cdf_normal_Pinv(p);
        assert_close(mrv__cdf_normal_P(x), p, 1e-14);
        assert_close(mrv__cdf_normal_Qinv(1 - p), x, 1e-12);
    }
    assert_true(isinf(mrv__cdf_normal_Pinv(0)) && mrv__cdf_normal_Pinv(0) < 0);
    assert_true(isinf(mrv__cdf_normal_Pinv(1)) && mrv__cdf_normal_Pinv(1) > 0);
}

static void test_cdf_beta(void **state)
{
    (void)state;
    /* Beta(1, 1) is uniform: F(x) = x.  Beta(2, 1): F(x) = x^2, f(x) =
    ** 2x.  Beta(1, 3): F(x) = 1 - (1 - x)^3.  Beta(3, 3): F(x) =
    ** 10x^3 - 15x^4 + 6x^5, f(x) = 30 x^2 (1 - x)^2. */
    for (int i = 1; i < 100; i++) {
        double x = i / 100.0, u = 1 - x;
        assert_close(mrv__cdf_beta_P(x, 1, 1), x, 1e-14);
        assert_close(mrv__cdf_beta_P(x, 2, 1), x * x, 1e-14);
        assert_close(mrv__cdf_beta_pdf(x, 2, 1), 2 * x, 1e-14);
        assert_close(mrv__cdf_beta_P(x, 1, 3), 1 - u * u * u, 1e-14);
        assert_close(mrv__cdf_beta_Q(x, 1, 3), u * u * u, 1e-13);
        double f33 = x * x * x * (10 - 15 * x + 6 * x * x);
        assert_close(mrv__cdf_beta_P(x, 3, 3), f33, 1e-14);
        assert_close(mrv__cdf_beta_pdf(x, 3, 3), 30 * x * x * u * u, 1e-13);
        /* Each inverse where it is well conditioned: F below 1/2 for
        ** P, above for Q (near 1, F's own rounding moves x by 1/f). */
        if (x <= 0.5) assert_close(mrv__cdf_beta_Pinv(f33, 3, 3), x, 1e-13);
        if (x >= 0.5)
            assert_close(mrv__cdf_beta_Qinv(mrv__cdf_beta_Q(x, 3, 3), 3, 3), x,
                         1e-13);
    }
    assert_true(mrv__cdf_beta_P(0, 2, 4) == 0 && mrv__cdf_beta_P(1, 2, 4) == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pmath_accuracy),
        cmocka_unit_test(test_pmath_special),
        cmocka_unit_test(test_cdf_normal),
        cmocka_unit_test(test_cdf_beta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
